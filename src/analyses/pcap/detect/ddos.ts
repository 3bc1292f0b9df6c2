/**
 * Floods (DoS/DDoS): packets to a watched destination port (default 80), counted
 *   - per source → destination:port over the whole capture (who floods whom), and
 *   - per destination:port per time window (how hard the target was hit at its peak).
 * A target is reported when one source sent it `ddosPackets` or more, when its busiest window
 * held `ddosWindowPackets` or more, or when many sources together sent `ddosPackets` or more.
 * A pure TCP ACK (no payload, no SYN, FIN or RST) is not counted: a client downloading a large
 * file acknowledges it with thousands of them, and that is no flood.
 */
import type { Evidence, Finding } from "../../../dataset/finding.js";
import { capNote, isoUs, MAX_TRACKED, type CollectorWith } from "../collector.js";
import { TcpFlag } from "../decode/frame.js";
import { protoName } from "../summarise/conversations.js";

interface Pair {
  n: number;
  proto: number;
  first: number;
  last: number;
  samples: number[];
  file: string;
}

interface Target {
  n: number;
  sources: number;
  win: number;
  winN: number;
  maxWin: number;
  maxWinStart: number;
  file: string;
}

/** Slots of the pair cache (a power of two) and the shift that maps a 32-bit hash onto them. */
const CACHE_SLOTS = 1024;
const CACHE_SHIFT = 32 - 10;

/** Detects floods to the watched port. */
export function ddos(): CollectorWith<"packet"> {
  const pairs = new Map<number, Map<number, Pair>>();
  const targets = new Map<number, Target>();
  // Direct-mapped cache of (source, target) → (pair, target) in front of the maps: addresses
  // above 2^31 are not Smis, so each Map lookup would hash a freshly boxed number.
  const cSrc = new Float64Array(CACHE_SLOTS).fill(-1);
  const cKey = new Float64Array(CACHE_SLOTS);
  const cPair: (Pair | undefined)[] = new Array(CACHE_SLOTS);
  const cTarget: (Target | undefined)[] = new Array(CACHE_SLOTS);
  let pairCount = 0;
  const cappedPairs = capNote("source → target pairs checked for floods");
  const cappedTargets = capNote("targets checked for floods");
  return {
    packet(pkt, d, ctx) {
      if (d.sport < 0) return;
      const t = ctx.thresholds;
      if (t.ddosPort !== null && d.dport !== t.ddosPort) return;
      if (d.proto === 6 && d.payloadLength === 0 && (d.tcpFlags & (TcpFlag.syn | TcpFlag.fin | TcpFlag.rst)) === 0) return;
      const tkey = d.dst * 65536 + d.dport;
      const slot = Math.imul((d.src | 0) ^ Math.imul(d.dst | 0, 0x9e3779b1) ^ d.dport, 0x85ebca6b) >>> CACHE_SHIFT;
      let p: Pair | undefined;
      let tg: Target | undefined;
      if (cSrc[slot] === d.src && cKey[slot] === tkey) {
        p = cPair[slot];
        tg = cTarget[slot]!;
      } else {
        tg = targets.get(tkey);
        if (!tg) {
          if (targets.size >= MAX_TRACKED) return cappedTargets(ctx);
          targets.set(tkey, (tg = { n: 0, sources: 0, win: -1, winN: 0, maxWin: 0, maxWinStart: 0, file: ctx.file }));
        }
        let bySrc = pairs.get(d.src);
        p = bySrc?.get(tkey);
        if (!p && pairCount >= MAX_TRACKED) cappedPairs(ctx);
        else if (!p) {
          if (!bySrc) pairs.set(d.src, (bySrc = new Map()));
          bySrc.set(tkey, (p = { n: 0, proto: d.proto, first: pkt.tsUs, last: pkt.tsUs, samples: [], file: ctx.file }));
          pairCount++;
          tg.sources++;
        }
        cSrc[slot] = d.src;
        cKey[slot] = tkey;
        cPair[slot] = p;
        cTarget[slot] = tg;
      }
      if (p) {
        p.n++;
        p.last = pkt.tsUs;
        if (p.samples.length < 5) p.samples.push(pkt.index);
      }
      tg.n++;
      const w = Math.floor(pkt.tsUs / (t.ddosWindowSeconds * 1e6));
      if (w !== tg.win) {
        tg.win = w;
        tg.winN = 0;
      }
      if (++tg.winN > tg.maxWin) {
        tg.maxWin = tg.winN;
        tg.maxWinStart = w * t.ddosWindowSeconds * 1e6;
      }
    },
    finish(ctx) {
      const t = ctx.thresholds;
      const floodersOf = new Map<number, { src: number; p: Pair }[]>();
      for (const [src, bySrc] of pairs) {
        for (const [tkey, p] of bySrc) {
          if (p.n < t.ddosPackets) continue;
          let l = floodersOf.get(tkey);
          if (!l) floodersOf.set(tkey, (l = []));
          l.push({ src, p });
        }
      }
      const findings: Finding[] = [];
      for (const [tkey, tg] of targets) {
        const flooders = (floodersOf.get(tkey) ?? []).sort((a, b) => b.p.n - a.p.n);
        const windowHit = tg.maxWin >= t.ddosWindowPackets;
        const distributed = tg.n >= t.ddosPackets && tg.sources > 1;
        if (!flooders.length && !windowHit && !distributed) continue;
        const dst = ctx.addrs.text(Math.floor(tkey / 65536));
        const port = tkey % 65536;
        const evidence: Evidence[] = flooders.slice(0, 20).map(({ src, p }) => {
          const secs = Math.max((p.last - p.first) / 1e6, 1e-6);
          return {
            description: `${ctx.addrs.text(src)} sent ${p.n} ${protoName(p.proto)} packets to ${dst}:${port} (${Math.round(p.n / secs)} pkt/s)`,
            packets: p.samples,
            timestamps: [isoUs(p.first), isoUs(p.last)],
            addresses: [ctx.addrs.text(src), dst],
            ports: [port],
            data: { file: p.file, packets: p.n },
          };
        });
        evidence.push({
          description: `busiest ${t.ddosWindowSeconds}-second window held ${tg.maxWin} packets to ${dst}:${port}`,
          timestamps: [isoUs(tg.maxWinStart)],
          addresses: [dst],
          ports: [port],
          data: { totalPackets: tg.n, sources: tg.sources },
        });
        const many = tg.sources > 1;
        findings.push({
          rule: "pcap.ddos",
          severity: flooders.length || windowHit ? "high" : "medium",
          title: `${many ? "DDoS" : "Flood"} against ${dst}:${port}`,
          summary: `${tg.n} packets from ${tg.sources} source${many ? "s" : ""} went to ${dst} port ${port}, up to ${tg.maxWin} in one ${t.ddosWindowSeconds}-second window; ${flooders.length} source(s) each sent ${t.ddosPackets} or more.`,
          evidence,
          recommendation: "Rate-limit or filter the sources upstream and check the target's availability during the window.",
        });
      }
      return { findings };
    },
  };
}
