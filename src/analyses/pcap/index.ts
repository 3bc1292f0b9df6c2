/**
 * Packet-capture forensics: read pcap/pcapng files (or capture live), decode, summarise and
 * detect. See analyse.ts (files), live.ts (interfaces) and session.ts (the pipeline).
 */
export { analysePcap, type AnalysePcapOptions } from "./analyse.js";
export { captureLive, type LiveOptions, type LiveSummary } from "./live.js";
export { createPcapSession, type PcapSession, type PcapResult, type PcapTotals, type PcapAnalysisOptions, type CaptureRow, type CapturesDataset } from "./session.js";
export { DEFAULT_THRESHOLDS, describeThresholds, type PcapThresholds } from "./thresholds.js";
export { readCapture, type ReadOptions, type ReadSummary } from "./read/reader.js";
export { newRawPacket, pointAt, type RawPacket, type PacketSink } from "./read/packet.js";
export type { EndpointLocator, EndpointInfo, EndpointRow, EndpointsDataset } from "./summarise/endpoints.js";
export type { ConversationRow, ConversationsDataset } from "./summarise/conversations.js";
export type { DnsRow, DnsDataset } from "./summarise/dns.js";
export type { HttpRow, HttpDataset } from "./summarise/http.js";
export type { TimelineRow, PortRow, TimelineDataset, PortsDataset } from "./summarise/traffic.js";
