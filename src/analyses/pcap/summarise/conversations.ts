/**
 * Conversations: one row per (address A, address B, protocol, port A, port B), both directions
 * together. A is the side that sent the first packet seen. Keyed by nested maps of numbers
 * (low address → high address → protocol·ports) so the per-packet path builds no strings.
 */
import { makeDataset } from "../../../dataset/create.js";
import type { Dataset } from "../../../dataset/types.js";
import { capNote, isoUs, MAX_TRACKED, type CollectorWith } from "../collector.js";

/** One conversation. */
export interface ConversationRow {
  src: string;
  dst: string;
  protocol: string;
  srcPort: number | null;
  dstPort: number | null;
  packets: number;
  bytes: number;
  packetsSrcToDst: number;
  packetsDstToSrc: number;
  firstSeen: string;
  lastSeen: string;
  /** ms */
  duration: number;
}

/** The conversations dataset. */
export type ConversationsDataset = Dataset<"pcapConversations", ConversationRow>;

interface Conv {
  a: number;
  b: number;
  proto: number;
  pa: number;
  pb: number;
  packets: number;
  bytes: number;
  ab: number;
  first: number;
  last: number;
}

/** Protocol name of an IP protocol number. */
export function protoName(p: number): string {
  return p === 6 ? "TCP" : p === 17 ? "UDP" : p === 1 ? "ICMP" : p === 58 ? "ICMPv6" : p === 47 ? "GRE" : p === 50 ? "ESP" : p === 132 ? "SCTP" : `IP/${p}`;
}

/** Slots of the flow cache (a power of two) and the shift that maps a 32-bit hash onto them. */
const CACHE_SLOTS = 4096;
const CACHE_SHIFT = 32 - 12;

/** Collects conversations; lists the `limit` largest by bytes (default 1000). */
export function conversations(limit = 1000): CollectorWith<"packet"> & { count(): number } {
  const byLow = new Map<number, Map<number, Map<number, Conv>>>();
  let total = 0;
  // Direct-mapped cache in front of the maps: a packet usually belongs to one of the few flows
  // active at that moment, and three Map lookups with non-Smi keys cost more than the hash.
  const cLo = new Float64Array(CACHE_SLOTS).fill(-1);
  const cHi = new Float64Array(CACHE_SLOTS);
  const cKey = new Float64Array(CACHE_SLOTS);
  const cConv: (Conv | undefined)[] = new Array(CACHE_SLOTS);
  // Flows past MAX_TRACKED all count here, and it is never listed.
  const untracked: Conv = { a: 0, b: 0, proto: 0, pa: -1, pb: -1, packets: 0, bytes: 0, ab: 0, first: 0, last: 0 };
  const capped = capNote("conversations");
  return {
    count: () => total,
    packet(pkt, d, ctx) {
      if (d.ipVersion === 0) return;
      const hasPorts = d.sport >= 0;
      const sp = hasPorts ? d.sport : 0;
      const dp = hasPorts ? d.dport : 0;
      const forward = d.src < d.dst || (d.src === d.dst && sp <= dp);
      const lo = forward ? d.src : d.dst;
      const hi = forward ? d.dst : d.src;
      const key = d.proto * 4294967296 + (forward ? sp * 65536 + dp : dp * 65536 + sp);
      const slot = Math.imul((lo | 0) ^ Math.imul(hi | 0, 0x9e3779b1) ^ (key | 0) ^ d.proto, 0x85ebca6b) >>> CACHE_SHIFT;
      let c: Conv | undefined;
      if (cLo[slot] === lo && cHi[slot] === hi && cKey[slot] === key) c = cConv[slot]!;
      else {
        let m1 = byLow.get(lo);
        let m2 = m1?.get(hi);
        c = m2?.get(key);
        if (!c && total >= MAX_TRACKED) {
          capped(ctx);
          c = untracked;
        } else if (!c) {
          if (!m1) byLow.set(lo, (m1 = new Map()));
          if (!m2) m1.set(hi, (m2 = new Map()));
          c = { a: d.src, b: d.dst, proto: d.proto, pa: hasPorts ? sp : -1, pb: hasPorts ? dp : -1, packets: 0, bytes: 0, ab: 0, first: pkt.tsUs, last: pkt.tsUs };
          m2.set(key, c);
          total++;
        }
        cLo[slot] = lo;
        cHi[slot] = hi;
        cKey[slot] = key;
        cConv[slot] = c;
      }
      c.packets++;
      c.bytes += pkt.origLen;
      if (d.src === c.a && (d.sport === c.pa || !hasPorts)) c.ab++;
      if (pkt.tsUs > c.last) c.last = pkt.tsUs;
      if (pkt.tsUs < c.first) c.first = pkt.tsUs;
    },
    finish(ctx) {
      const all: Conv[] = [];
      for (const m1 of byLow.values()) for (const m2 of m1.values()) for (const c of m2.values()) all.push(c);
      all.sort((x, y) => y.bytes - x.bytes || y.packets - x.packets);
      const warnings = [...ctx.warnings];
      if (all.length > limit) warnings.push(`${all.length - limit} smaller conversations are not listed (${all.length} in all)`);
      const rows: ConversationRow[] = all.slice(0, limit).map((c) => ({
        src: ctx.addrs.text(c.a),
        dst: ctx.addrs.text(c.b),
        protocol: protoName(c.proto),
        srcPort: c.pa >= 0 ? c.pa : null,
        dstPort: c.pb >= 0 ? c.pb : null,
        packets: c.packets,
        bytes: c.bytes,
        packetsSrcToDst: c.ab,
        packetsDstToSrc: c.packets - c.ab,
        firstSeen: isoUs(c.first),
        lastSeen: isoUs(c.last),
        duration: (c.last - c.first) / 1000,
      }));
      const ds: ConversationsDataset = makeDataset({
        kind: "pcapConversations",
        schemaVersion: 1,
        title: "Conversations",
        columns: [
          { key: "src", label: "Source", type: "ip", description: "the side that sent the first packet seen" },
          { key: "srcPort", label: "Src port", type: "port" },
          { key: "dst", label: "Destination", type: "ip" },
          { key: "dstPort", label: "Dst port", type: "port" },
          { key: "protocol", label: "Protocol", type: "text" },
          { key: "packets", label: "Packets", type: "integer" },
          { key: "bytes", label: "Bytes", type: "bytes", description: "frame bytes on the wire, both directions" },
          { key: "packetsSrcToDst", label: "Pkts →", type: "integer" },
          { key: "packetsDstToSrc", label: "Pkts ←", type: "integer" },
          { key: "firstSeen", label: "First seen", type: "timestamp" },
          { key: "lastSeen", label: "Last seen", type: "timestamp" },
          { key: "duration", label: "Duration", type: "duration" },
        ],
        rows,
        provenance: ctx.provenance,
        warnings,
      });
      return { datasets: [ds] };
    },
  };
}
