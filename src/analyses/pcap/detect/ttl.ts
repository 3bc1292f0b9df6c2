/**
 * TTL anomalies and decoy scans: one sender's packets leave with the same initial TTL (64 for
 * Linux/macOS, 128 for Windows, 255 for network gear, 32 for some old stacks) and travel the same
 * path, so the TTLs seen from one source address cluster within a few hops. A source whose TTLs
 * fall in two initial-TTL families, or spread more than `ttlSpread`, is likely several senders
 * behind one address: spoofed decoys (nmap -D), a NAT, or crafted packets.
 */
import type { Finding, Severity } from "../../../dataset/finding.js";
import { capNote, isoUs, MAX_TRACKED, mostSevere, type CollectorWith } from "../collector.js";
import type { AddressTable } from "../decode/address.js";
import type { Decoded } from "../decode/frame.js";

/** The initial TTL a received TTL most likely started from. */
export function ttlFamily(ttl: number): number {
  return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

/**
 * Packets whose TTL is set by protocol rule, not by the sender's stack: IGMP, OSPF, PIM (TTL 1),
 * VRRP and IPv6 neighbour discovery (255), and anything multicast or broadcast.
 */
function fixedTtl(d: Decoded, addrs: AddressTable): boolean {
  if (d.proto === 2 || d.proto === 89 || d.proto === 103 || d.proto === 112) return true;
  if (d.proto === 58 && d.icmpType >= 133 && d.icmpType <= 137) return true;
  if (d.ipVersion === 4 && (d.dst >>> 28 === 14 || d.dst === 0xffffffff)) return true;
  // IPv6 multicast: MLD, DHCPv6, LLMNR and routing protocols send with hop limit 1, mDNS with 255.
  if (d.ipVersion === 6 && addrs.isMulticast(d.dst)) return true;
  return false;
}

interface Seen {
  mask: Uint32Array;
  /** ttl, packet, tsUs triples of the first packet with each TTL (up to 32 TTLs). */
  samples: number[];
  packets: number;
  file: string;
}

/** Slots of the source cache (a power of two) and the shift that maps a 32-bit hash onto them. */
const CACHE_SLOTS = 1024;
const CACHE_SHIFT = 32 - 10;

/** Detects sources with inconsistent TTLs. */
export function ttlAnomalies(): CollectorWith<"packet"> {
  const bySrc = new Map<number, Seen>();
  // Direct-mapped cache of sources in front of the map: addresses above 2^31 are not Smis, so
  // every Map lookup would hash a freshly boxed number.
  const cSrc = new Float64Array(CACHE_SLOTS).fill(-1);
  const cSeen: (Seen | undefined)[] = new Array(CACHE_SLOTS);
  const capped = capNote("sources checked for TTLs");
  return {
    packet(pkt, d, ctx) {
      if (d.ipVersion === 0 || fixedTtl(d, ctx.addrs)) return;
      const slot = Math.imul((d.src | 0) ^ (d.src / 4294967296), 0x9e3779b1) >>> CACHE_SHIFT;
      let s: Seen | undefined;
      if (cSrc[slot] === d.src) s = cSeen[slot]!;
      else {
        s = bySrc.get(d.src);
        if (!s && bySrc.size >= MAX_TRACKED) return capped(ctx);
        if (!s) bySrc.set(d.src, (s = { mask: new Uint32Array(8), samples: [], packets: 0, file: ctx.file }));
        cSrc[slot] = d.src;
        cSeen[slot] = s;
      }
      s.packets++;
      const word = d.ttl >> 5;
      const bit = 1 << (d.ttl & 31);
      if (s.mask[word]! & bit) return;
      s.mask[word]! |= bit;
      if (s.samples.length < 96) s.samples.push(d.ttl, pkt.index, pkt.tsUs);
    },
    finish(ctx) {
      // Sources first, findings for the most severe only (mostSevere): a spoofed flood can make
      // every source inconsistent, and each finding carries up to 16 pieces of evidence.
      const anomalous: { src: number; s: Seen; ttls: number[]; families: number[]; spread: number; severity: Severity }[] = [];
      for (const [src, s] of bySrc) {
        const ttls: number[] = [];
        for (let i = 0; i < s.samples.length; i += 3) ttls.push(s.samples[i]!);
        if (ttls.length < 2) continue;
        const families = [...new Set(ttls.map(ttlFamily))].sort((a, b) => a - b);
        const spread = Math.max(...ttls) - Math.min(...ttls);
        if (families.length < 2 && spread <= ctx.thresholds.ttlSpread) continue;
        anomalous.push({ src, s, ttls, families, spread, severity: families.length > 1 ? "medium" : "low" });
      }
      const findings: Finding[] = [];
      for (const { src, s, ttls, families, spread, severity } of mostSevere("pcap.ttl-anomaly", anomalous, ctx)) {
        const ip = ctx.addrs.text(src);
        const sorted = [...ttls].sort((a, b) => a - b);
        findings.push({
          rule: "pcap.ttl-anomaly",
          severity,
          title: `Inconsistent TTLs from ${ip}`,
          summary: `Packets from ${ip} arrived with ${ttls.length} different TTLs (${sorted.join(", ")}; spread ${spread}, initial-TTL families ${families.join("/")}). One host sends with one initial TTL, so this address likely hides several senders: spoofed decoys of a scan, a NAT, or crafted packets.`,
          evidence: Array.from({ length: ttls.length }, (_, k) => ({
            description: `first packet with TTL ${s.samples[k * 3]} (family ${ttlFamily(s.samples[k * 3]!)})`,
            packets: [s.samples[k * 3 + 1]!],
            timestamps: [isoUs(s.samples[k * 3 + 2]!)],
            addresses: [ip],
            data: { file: s.file, ttl: s.samples[k * 3]! },
          })).slice(0, 16),
          recommendation: "Compare with the host's real TTL (e.g. from a handshake it completed) and treat the outliers as spoofed.",
        });
      }
      return { findings };
    },
  };
}
