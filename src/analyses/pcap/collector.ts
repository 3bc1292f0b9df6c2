/**
 * The analysis pipeline's plug-in shape: every summary and detector is a collector that sees
 * decoded packets (and the application messages found in them) as they stream past, keeps only
 * aggregates, and at the end returns datasets and findings.
 */
import type { AnyDataset, Provenance } from "../../dataset/types.js";
import { SEVERITY_ORDER, type Finding, type Severity } from "../../dataset/finding.js";
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
 * Most findings of one rule a result lists. The per-source detectors (TTL, ISN) make one finding
 * a source, and a flood from spoofed sources brings up to MAX_TRACKED of them: a report nobody
 * can read, and gigabytes to build it. The session keeps the most severe of any rule that makes
 * more (and says how many it left out); per-source detectors build no more than these
 * ({@link mostSevere}).
 */
export const MAX_FINDINGS_PER_RULE = 200;

/**
 * The `MAX_FINDINGS_PER_RULE` most severe of `candidates` (findings, or what a detector found
 * before making any finding text), in their order otherwise, noting in `ctx.warnings` how many of
 * `rule` were left out.
 */
export function mostSevere<T extends { severity: Severity }>(rule: string, candidates: T[], ctx: CollectContext): T[] {
  const n = MAX_FINDINGS_PER_RULE;
  if (candidates.length <= n) return candidates;
  ctx.warnings.push(`${(candidates.length - n).toLocaleString("en")} more ${rule} findings are not listed, only the ${n} most severe of ${candidates.length.toLocaleString("en")} (a flood from spoofed sources?)`);
  const rank = (c: T) => SEVERITY_ORDER.indexOf(c.severity);
  return [...candidates].sort((a, b) => rank(a) - rank(b)).slice(0, n);
}

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
