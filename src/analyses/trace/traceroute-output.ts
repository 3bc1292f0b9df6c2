/**
 * Parser of Debian's `traceroute` (Dmitry Butskoy's 2.1) output, as `traceroute -n -T` prints it.
 * Pure.
 *
 *   traceroute to 198.18.67.2 (198.18.67.2), 8 hops max, 60 byte packets
 *    1  198.18.64.1  0.046 ms  0.031 ms  0.029 ms
 *    2  * * *
 *    3  198.18.66.2  0.016 ms !X  198.18.66.9  0.020 ms *
 *
 * A hop line is its number, then per probe `*` or an RTT (`0.046 ms`), each RTT preceded by the
 * address when it changed (and, without -n, `name (address)`), optionally followed by an
 * annotation: `!H` host, `!N` network, `!P` protocol unreachable, `!S` source route failed,
 * `!F-<mtu>` fragmentation needed, `!X` administratively prohibited, `!V` host precedence
 * violation, `!C` precedence cutoff, `!<n>` ICMP unreachable code n, `!T<n>` a TOS mark.
 */
import type { ReplyKind } from "./types.js";

/** One probe as traceroute printed it. */
export interface PrintedProbe {
  address: string | null;
  rttMs: number | null;
  /** The `!…` annotation, without the `!`, or null. */
  annotation: string | null;
}

/** One hop line. */
export interface PrintedHop {
  ttl: number;
  probes: PrintedProbe[];
}

/** A parsed run. */
export interface PrintedTrace {
  /** Target address from the header, or null when the header is missing. */
  target: string | null;
  maxHops: number | null;
  hops: PrintedHop[];
}

const UNREACH: Record<string, number> = { N: 0, H: 1, P: 2, F: 4, S: 5, X: 13, V: 14, C: 15 };

/** ICMP kind of an annotation: `H` → `3/1`, `X` → `3/13`, `7` → `3/7`; null for non-unreachable marks (`T…`). */
export function annotationKind(a: string): ReplyKind | null {
  if (/^\d+$/.test(a)) return `3/${Number(a)}`;
  const letter = a[0]!;
  if (letter === "F") return "3/4";
  const code = UNREACH[letter];
  return code === undefined ? null : `3/${code}`;
}

/** Parses traceroute's stdout; lines that are not hops or the header are ignored. */
export function parseTracerouteOutput(text: string): PrintedTrace {
  const out: PrintedTrace = { target: null, maxHops: null, hops: [] };
  for (const line of text.split("\n")) {
    const header = /^traceroute6? to \S+ \(([^)]+)\), (\d+) hops max/.exec(line);
    if (header) {
      out.target = header[1]!;
      out.maxHops = Number(header[2]);
      continue;
    }
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const tokens = m[2]!.trim().split(/\s+/);
    const hop: PrintedHop = { ttl: Number(m[1]), probes: [] };
    let address: string | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === "*") hop.probes.push({ address: null, rttMs: null, annotation: null });
      else if (t.startsWith("!")) {
        const last = hop.probes[hop.probes.length - 1];
        if (last && last.annotation === null) last.annotation = t.slice(1);
      } else if (/^\d+(\.\d+)?$/.test(t) && tokens[i + 1] === "ms") {
        hop.probes.push({ address, rttMs: Number(t), annotation: null });
        i++;
      } else if (/^\(.+\)$/.test(t)) address = t.slice(1, -1);
      else address = t;
    }
    out.hops.push(hop);
  }
  return out;
}

/** A printed hop's kind towards `target`: its annotation's unreachable code, `dst` for the target, `11` otherwise, `unk` when silent. */
export function printedHopKind(hop: PrintedHop, target: string): { address: string | null; kind: ReplyKind } {
  const votes = new Map<string, number>();
  for (const p of hop.probes) if (p.address) votes.set(p.address, (votes.get(p.address) ?? 0) + 1);
  let address: string | null = null;
  for (const [a, n] of votes) if (address === null || n > votes.get(address)!) address = a;
  if (address === null) return { address: null, kind: "unk" };
  const annotated = hop.probes.find((p) => p.address === address && p.annotation !== null && annotationKind(p.annotation) !== null);
  if (annotated) return { address, kind: annotationKind(annotated.annotation!)! };
  return { address, kind: address === target ? "dst" : "11" };
}
