/**
 * TCP initial-sequence-number predictability. Each host's ISNs (its SYNs and SYN-ACKs, in
 * capture order, retransmissions skipped) should look random (RFC 6528). A host is flagged when,
 * over at least `isnMinSamples` ISNs, every increment is the same (constant ISN when 0, an
 * arithmetic progression otherwise), or every increment is a multiple of 64,000 — the classic
 * BSD rule (64,000 per connection, 128,000 per second) Mitnick exploited.
 */
import type { Finding } from "../../../dataset/finding.js";
import { TcpFlag } from "../decode/frame.js";
import { capNote, isoUs, MAX_TRACKED, mostSevere, type CollectorWith } from "../collector.js";

interface Host {
  seqs: number[];
  /** The first EVIDENCE_PACKETS packets (all the evidence lists), and the first and last times. */
  packets: number[];
  firstUs: number;
  lastUs: number;
  lastSeq: number;
  lastPorts: number;
  file: string;
}

const KEEP = 64;
const EVIDENCE_PACKETS = 16;

/** Judges a list of ISNs (uint32, in order): a reason string when predictable, else null. */
export function judgeIsns(seqs: readonly number[], minSamples: number): string | null {
  if (seqs.length < minSamples) return null;
  const diffs: number[] = [];
  for (let i = 1; i < seqs.length; i++) diffs.push((seqs[i]! - seqs[i - 1]! + 4294967296) % 4294967296);
  const first = diffs[0]!;
  if (diffs.every((x) => x === first)) return first === 0 ? "constant ISN" : `ISN grows by a constant ${first} per connection`;
  if (diffs.every((x) => x !== 0 && x % 64000 === 0)) return `every ISN increment is a multiple of 64,000 (${[...new Set(diffs)].slice(0, 5).join(", ")}): the classic 64K/128K rule`;
  return null;
}

/** Collects ISNs per host and flags predictable ones. */
export function isnPredictability(): CollectorWith<"packet"> {
  const hosts = new Map<number, Host>();
  const capped = capNote("hosts checked for ISNs");
  return {
    packet(pkt, d, ctx) {
      if (d.proto !== 6 || d.sport < 0 || !(d.tcpFlags & TcpFlag.syn) || d.fragOffset > 0) return;
      let h = hosts.get(d.src);
      if (!h && hosts.size >= MAX_TRACKED) return capped(ctx);
      if (!h) hosts.set(d.src, (h = { seqs: [], packets: [], firstUs: pkt.tsUs, lastUs: pkt.tsUs, lastSeq: -1, lastPorts: -1, file: ctx.file }));
      // A retransmitted SYN repeats the previous one's ports and ISN.
      const ports = d.sport * 65536 + d.dport;
      if ((ports === h.lastPorts && d.seq === h.lastSeq) || h.seqs.length >= KEEP) return;
      h.lastPorts = ports;
      h.lastSeq = d.seq;
      h.seqs.push(d.seq);
      // Only what the evidence shows is kept: a spoofed flood fills MAX_TRACKED hosts.
      if (h.packets.length < EVIDENCE_PACKETS) h.packets.push(pkt.index);
      h.lastUs = pkt.tsUs;
    },
    finish(ctx) {
      const predictable: { id: number; h: Host; why: string; severity: "high" }[] = [];
      for (const [id, h] of hosts) {
        const why = judgeIsns(h.seqs, ctx.thresholds.isnMinSamples);
        if (why) predictable.push({ id, h, why, severity: "high" });
      }
      const findings: Finding[] = [];
      for (const { id, h, why } of mostSevere("pcap.isn-predictable", predictable, ctx)) {
        const ip = ctx.addrs.text(id);
        findings.push({
          rule: "pcap.isn-predictable",
          severity: "high",
          title: `Predictable TCP sequence numbers from ${ip}`,
          summary: `${ip} chose its TCP initial sequence numbers predictably over ${h.seqs.length} connections: ${why}. An attacker who can guess ISNs can spoof or hijack TCP connections to or from this host.`,
          evidence: [
            {
              description: `ISNs ${h.seqs.slice(0, 8).join(", ")}${h.seqs.length > 8 ? ", …" : ""}`,
              packets: h.packets,
              timestamps: [isoUs(h.firstUs), isoUs(h.lastUs)],
              addresses: [ip],
              data: { file: h.file, samples: h.seqs.length, reason: why },
            },
          ],
          recommendation: "Update the host's TCP stack or put it behind a device that randomises sequence numbers.",
        });
      }
      return { findings };
    },
  };
}
