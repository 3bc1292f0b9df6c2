/**
 * One analysis run over a stream of frames, from any source (files, live capture):
 *
 *   frame ─▶ 1. decodeFrame (link → IP → TCP/UDP/ICMP)
 *         ─▶ 2. every collector's packet()
 *         ─▶ 3. application messages: DNS (UDP/53, TCP/53 reassembled), HTTP request line,
 *               IRC lines on the IRC port ─▶ collectors' dns()/http()/irc()
 *   finish ─▶ 4. datasets + findings from every collector, plus the captures dataset
 */
import { makeDataset, provenance } from "../../dataset/create.js";
import { sortFindings, type Finding } from "../../dataset/finding.js";
import type { AnyDataset, Dataset } from "../../dataset/types.js";
import type { NetreportError } from "../../errors.js";
import { newAddressTable } from "./decode/address.js";
import { decodeFrame, newDecoded } from "./decode/frame.js";
import { parseDns, type DnsMessage } from "./decode/dns.js";
import { newDnsTcpReassembler } from "./decode/dnsStream.js";
import { ircLines, newHttpRequest, parseHttpRequest } from "./decode/app.js";
import { isSupportedLinkType } from "./decode/link.js";
import { isoUs, mostSevere, type CollectContext, type Collector } from "./collector.js";
import { DEFAULT_THRESHOLDS, type PcapThresholds } from "./thresholds.js";
import { conversations } from "./summarise/conversations.js";
import { endpoints, type EndpointLocator } from "./summarise/endpoints.js";
import { traffic } from "./summarise/traffic.js";
import { dnsSummary } from "./summarise/dns.js";
import { httpRequests } from "./summarise/http.js";
import { loicDownload } from "./detect/loic.js";
import { ircHivemind } from "./detect/irc.js";
import { ddos } from "./detect/ddos.js";
import { ttlAnomalies } from "./detect/ttl.js";
import { dnsFlux } from "./detect/flux.js";
import { isnPredictability } from "./detect/isn.js";
import { syncView, type RawPacket } from "./read/packet.js";

/** Options shared by file and live analysis. */
export interface PcapAnalysisOptions {
  /** Detector thresholds; unset ones take {@link DEFAULT_THRESHOLDS}. */
  thresholds?: Partial<PcapThresholds>;
  /** GeoIP/ASN lookup for endpoints (e.g. `openEnricher(...)` from src/enrich). Default none. */
  locator?: EndpointLocator | null;
  /** Rows listed at most in the conversations and endpoints tables. Default 1000. */
  rowLimit?: number;
}

/** One capture source as read. */
export interface CaptureRow {
  source: string;
  format: string;
  packets: number;
  bytes: number;
  firstPacket: string | null;
  lastPacket: string | null;
  cutPackets: number;
  nonIpPackets: number;
  /** "complete", or the error that stopped reading. */
  status: string;
}

export type CapturesDataset = Dataset<"pcapCaptures", CaptureRow>;

/** Headline numbers of a run. */
export interface PcapTotals {
  packets: number;
  /** Frame bytes on the wire. */
  bytes: number;
  ipPackets: number;
  /** Frames cut by the snap length (decoded as far as they go). */
  cutPackets: number;
  /** Frames whose IP/TCP/UDP headers themselves were cut. */
  headerCutPackets: number;
  fragments: number;
  dnsMessages: number;
  httpRequests: number;
  /** µs since the epoch, or null without packets. */
  firstUs: number | null;
  lastUs: number | null;
}

/** What an analysis returns. */
export interface PcapResult {
  /** pcapCaptures, pcapConversations, pcapEndpoints, pcapTimeline, pcapPorts, pcapDns, pcapHttp. */
  datasets: AnyDataset[];
  /** Most urgent first. */
  findings: Finding[];
  /** Partial-result notes (also on every dataset). */
  warnings: string[];
  /** Errors that stopped reading a source; packets before each were analysed. */
  errors: NetreportError[];
  totals: PcapTotals;
  thresholds: PcapThresholds;
}

/** A running analysis: feed frames per source, then finish. */
export interface PcapSession {
  /** Starts a new source (file or interface); packets are numbered from 1 per source. */
  beginSource(name: string): void;
  /** Feeds one frame of the current source. */
  feed(pkt: RawPacket): void;
  /** Ends the current source, with its format and the error that stopped it, if any. */
  endSource(format: string, error?: NetreportError | null, extraWarnings?: string[]): void;
  /** Adds a partial-result note. */
  warn(text: string): void;
  /** Results. Call once. */
  finish(parameters?: unknown): PcapResult;
}

/** The most severe MAX_FINDINGS_PER_RULE findings of each rule ({@link mostSevere}), with a warning per rule that had more. */
function limitPerRule(findings: Finding[], ctx: CollectContext): Finding[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    let list = byRule.get(f.rule);
    if (!list) byRule.set(f.rule, (list = []));
    list.push(f);
  }
  return [...byRule].flatMap(([rule, list]) => mostSevere(rule, list, ctx));
}

/** Starts an analysis. */
export function createPcapSession(options: PcapAnalysisOptions = {}): PcapSession {
  const startedAt = new Date();
  const thresholds: PcapThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const addrs = newAddressTable();
  const ctx: CollectContext = { addrs, thresholds, file: "", provenance: provenance("pcap", {}, startedAt), warnings: [] };
  const limit = options.rowLimit ?? 1000;
  // Each hook is called by name below, not through a list: a call site that always calls one
  // function is a direct call V8 can inline, where a loop over a list of them is a generic call
  // (those generic calls were a twentieth of the instructions of a run).
  const conv = conversations(limit);
  const eps = endpoints(options.locator ?? null, limit);
  const time = traffic();
  const dnsTable = dnsSummary();
  const httpTable = httpRequests();
  const loic = loicDownload();
  const irc = ircHivemind();
  const flood = ddos();
  const ttl = ttlAnomalies();
  const flux = dnsFlux();
  const isn = isnPredictability();
  const collectors: Collector[] = [conv, eps, time, dnsTable, httpTable, loic, irc, flood, ttl, flux, isn];
  const d = newDecoded();
  // One request object for the whole run, like `d`: collectors copy what they keep.
  const httpReq = newHttpRequest();
  let dnsTcp = newDnsTcpReassembler();
  const totals: PcapTotals = { packets: 0, bytes: 0, ipPackets: 0, cutPackets: 0, headerCutPackets: 0, fragments: 0, dnsMessages: 0, httpRequests: 0, firstUs: null, lastUs: null };
  /** A DNS message to the collectors that read DNS. */
  const onDns = (m: DnsMessage, pkt: RawPacket) => {
    totals.dnsMessages++;
    dnsTable.dns(m, pkt, d, ctx);
    flux.dns(m, pkt, d, ctx);
  };
  const captures: CaptureRow[] = [];
  const errors: NetreportError[] = [];
  const unsupported = new Map<number, number>();
  let cur: CaptureRow | null = null;
  // Time span of the current source in µs, in an object: a double written to a closure variable
  // for every packet would be a fresh heap number each time.
  const span = { first: Infinity, last: -Infinity };
  // The buffer and view of the last record fed: the view is checked (syncView) only when either
  // changes, once a chunk, since DataView's getters are calls too slow for every frame.
  const seen: { buf: Buffer | null; view: DataView | null } = { buf: null, view: null };

  return {
    beginSource(name) {
      ctx.file = name;
      cur = { source: name, format: "", packets: 0, bytes: 0, firstPacket: null, lastPacket: null, cutPackets: 0, nonIpPackets: 0, status: "complete" };
      span.first = Infinity;
      span.last = -Infinity;
      dnsTcp = newDnsTcpReassembler();
    },
    feed(pkt) {
      if (pkt.buf !== seen.buf || pkt.view !== seen.view) {
        syncView(pkt);
        seen.buf = pkt.buf;
        seen.view = pkt.view;
      }
      const c = cur!;
      c.packets++;
      c.bytes += pkt.origLen;
      if (pkt.tsUs < span.first) span.first = pkt.tsUs;
      if (pkt.tsUs > span.last) span.last = pkt.tsUs;
      // 1. Decode.
      decodeFrame(pkt, addrs, d);
      if (d.cut) c.cutPackets++;
      if (d.headerCut) totals.headerCutPackets++;
      if (d.ipVersion === 0) {
        c.nonIpPackets++;
        if (!isSupportedLinkType(pkt.linkType)) unsupported.set(pkt.linkType, (unsupported.get(pkt.linkType) ?? 0) + 1);
      } else {
        totals.ipPackets++;
        if (d.fragment) totals.fragments++;
      }
      // 2. Every collector sees every frame.
      conv.packet(pkt, d, ctx);
      eps.packet(pkt, d, ctx);
      time.packet(pkt, d, ctx);
      flood.packet(pkt, d, ctx);
      ttl.packet(pkt, d, ctx);
      isn.packet(pkt, d, ctx);
      if (d.sport < 0) return;
      // 3. Application messages.
      const len = d.payloadLength;
      if (d.proto === 17) {
        if ((d.sport === 53 || d.dport === 53) && len >= 12) {
          const m = parseDns(pkt.buf, d.payloadOffset, len);
          if (m) onDns(m, pkt);
        }
        return;
      }
      if (d.proto !== 6) return;
      if (d.sport === 53 || d.dport === 53) {
        const key = `${d.src}:${d.sport}>${d.dst}:${d.dport}`;
        const msgs = dnsTcp.push(key, d.seq, d.tcpFlags, pkt.buf, d.payloadOffset, len);
        for (const m of msgs) onDns(m, pkt);
        return;
      }
      if (len === 0) return;
      const req = parseHttpRequest(pkt.buf, d.payloadOffset, len, httpReq, pkt.view);
      if (req) {
        totals.httpRequests++;
        httpTable.http(req, pkt, d, ctx);
        loic.http(req, pkt, d, ctx);
        flux.http(req, pkt, d, ctx);
      }
      if (d.sport === thresholds.ircPort || d.dport === thresholds.ircPort) {
        for (const line of ircLines(pkt.buf, d.payloadOffset, len)) irc.irc(line, pkt, d, ctx);
      }
    },
    endSource(format, error, extraWarnings) {
      const c = cur!;
      c.format = format;
      if (c.packets) {
        c.firstPacket = isoUs(span.first);
        c.lastPacket = isoUs(span.last);
        totals.firstUs = Math.min(totals.firstUs ?? Infinity, span.first);
        totals.lastUs = Math.max(totals.lastUs ?? -Infinity, span.last);
      }
      totals.packets += c.packets;
      totals.bytes += c.bytes;
      totals.cutPackets += c.cutPackets;
      if (error) {
        errors.push(error);
        c.status = error.toLine();
        ctx.warnings.push(`${c.source}: analysis is partial, reading stopped after ${c.packets} packets: ${error.toLine()}`);
      }
      if (dnsTcp.pending()) ctx.warnings.push(`${c.source}: ${dnsTcp.pending()} DNS-over-TCP message(s) could not be read whole (a segment missing, the connection reset or closed inside one, or still open at the end)`);
      for (const w of extraWarnings ?? []) ctx.warnings.push(`${c.source}: ${w}`);
      captures.push(c);
      cur = null;
    },
    warn(text) {
      ctx.warnings.push(text);
    },
    finish(parameters) {
      if (totals.cutPackets) ctx.warnings.push(`${totals.cutPackets} frames were cut by the snap length and decoded only as far as they go`);
      for (const [lt, n] of unsupported) ctx.warnings.push(`${n} frames of link type ${lt} are not decoded (unsupported link type)`);
      ctx.provenance = provenance("pcap", parameters ?? { thresholds }, startedAt);
      const datasets: AnyDataset[] = [];
      const capturesDs: CapturesDataset = makeDataset({
        kind: "pcapCaptures",
        schemaVersion: 1,
        title: "Captures read",
        columns: [
          { key: "source", label: "Source", type: "text" },
          { key: "format", label: "Format", type: "text" },
          { key: "packets", label: "Packets", type: "integer" },
          { key: "bytes", label: "Bytes", type: "bytes" },
          { key: "firstPacket", label: "First packet", type: "timestamp" },
          { key: "lastPacket", label: "Last packet", type: "timestamp" },
          { key: "cutPackets", label: "Cut frames", type: "integer", description: "frames shorter than on the wire (snap length)" },
          { key: "nonIpPackets", label: "Non-IP frames", type: "integer" },
          { key: "status", label: "Status", type: "text" },
        ],
        rows: captures,
        provenance: ctx.provenance,
        warnings: [...ctx.warnings],
      });
      datasets.push(capturesDs);
      const findings: Finding[] = [];
      for (const c of collectors) {
        const r = c.finish(ctx);
        if (r.datasets) datasets.push(...r.datasets);
        if (r.findings) findings.push(...r.findings);
      }
      return { datasets, findings: sortFindings(limitPerRule(findings, ctx)), warnings: [...ctx.warnings], errors, totals, thresholds };
    },
  };
}
