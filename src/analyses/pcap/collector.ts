/**
 * The analysis pipeline's plug-in shape: every summary and detector is a collector that sees
 * decoded packets (and the application messages found in them) as they stream past, keeps only
 * aggregates, and at the end returns datasets and findings.
 */
import type { AnyDataset, Provenance } from "../../dataset/types.js";
import type { Finding } from "../../dataset/finding.js";
import type { RawPacket } from "./read/packet.js";
import type { Decoded } from "./decode/frame.js";
import type { DnsMessage } from "./decode/dns.js";
import type { HttpRequest } from "./decode/app.js";
import type { AddressTable } from "./decode/address.js";
import type { PcapThresholds } from "./thresholds.js";

/** Where a packet came from, for evidence. */
export interface PacketRef {
  /** Capture file (base name). */
  file: string;
  /** 1-based frame number in that file. */
  packet: number;
  /** Capture time, µs since the epoch. */
  tsUs: number;
}

/** What every collector can read while collecting and finishing. */
export interface CollectContext {
  addrs: AddressTable;
  thresholds: PcapThresholds;
  /** Base name of the file being read. */
  file: string;
  /** Provenance for datasets made in `finish`. */
  provenance: Provenance;
  /** Partial-result notes every dataset carries (read errors, interruptions). */
  warnings: string[];
}

/** A streaming summary or detector. */
export interface Collector {
  /** Every frame (IP or not). */
  packet?(pkt: RawPacket, d: Decoded, ctx: CollectContext): void;
  dns?(msg: DnsMessage, pkt: RawPacket, d: Decoded, ctx: CollectContext): void;
  http?(req: HttpRequest, pkt: RawPacket, d: Decoded, ctx: CollectContext): void;
  /** One IRC line on the IRC port. */
  irc?(line: string, pkt: RawPacket, d: Decoded, ctx: CollectContext): void;
  /** Results once every file has been read. */
  finish(ctx: CollectContext): { datasets?: AnyDataset[]; findings?: Finding[] };
}

/** A collector that has the hooks `K` (the session calls those directly, see session.ts). */
export type CollectorWith<K extends "packet" | "dns" | "http" | "irc"> = Collector & Required<Pick<Collector, K>>;

/** ISO 8601 text of a µs timestamp. */
export function isoUs(tsUs: number): string {
  const d = new Date(Math.floor(tsUs / 1000));
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/** A reference to the current packet. */
export function refOf(pkt: RawPacket, ctx: CollectContext): PacketRef {
  return { file: ctx.file, packet: pkt.index, tsUs: pkt.tsUs };
}

/**
 * Most keys (sources, flows, hosts) one collector tracks. A flood from spoofed addresses brings a
 * new source with every packet; past this many, new keys are counted in the totals only, so
 * memory stays bounded (about 0.5 KB a key and collector) and the run survives the capture.
 */
export const MAX_TRACKED = 100_000;

/**
 * Returns a function that adds, once, the note that `what` went past {@link MAX_TRACKED}, with the
 * likely `cause` of so many.
 */
export function capNote(what: string, cause = "a flood from spoofed addresses?"): (ctx: CollectContext) => void {
  let noted = false;
  return (ctx) => {
    if (noted) return;
    noted = true;
    const n = MAX_TRACKED.toLocaleString("en");
    ctx.warnings.push(`more than ${n} ${what}: later ones are not tracked (${cause}), so the tables and findings cover the first ${n}`);
  };
}
