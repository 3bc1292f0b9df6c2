/**
 * The vocabulary of a traceroute: probe protocols, reply kinds (scapy's codes), options, the hop
 * row of the `traceHops` dataset and the result of a trace.
 */
import type { Dataset } from "../../dataset/types.js";

/** How probes are sent. */
export const ProbeProtocol = { tcp: "tcp", udp: "udp", icmp: "icmp" } as const;
/** One of {@link ProbeProtocol}'s values. */
export type ProbeProtocol = (typeof ProbeProtocol)[keyof typeof ProbeProtocol];

/** True when `v` is a {@link ProbeProtocol}. */
export function isProbeProtocol(v: unknown): v is ProbeProtocol {
  return typeof v === "string" && Object.hasOwn(ProbeProtocol, v);
}

/**
 * What came back for a probe, in the codes scapy's `traceroute().show()` prints:
 * - `11`: ICMP time exceeded (an intermediate hop);
 * - `SA`: TCP SYN-ACK from the destination (port open);
 * - `RA`: TCP RST-ACK from the destination (port closed);
 * - `0`: ICMP echo reply (ICMP mode reached the destination);
 * - `3/<code>`: ICMP destination unreachable with its code (`3/3` port unreachable ends a UDP
 *   trace, `3/13` administratively prohibited, `3/1` host unreachable, …);
 * IPv6 replies use the same codes: ICMPv6 time exceeded is `11`, echo reply `0`, and an ICMPv6
 * unreachable the IPv4 kind of the same meaning (match6.ts, UNREACH6_KIND);
 * - `dst`: the destination answered but the tool did not say how (the `traceroute -T` fallback
 *   prints the address only);
 * - `unk`: nothing came back (silent router, filtered port, lost packet).
 */
export type ReplyKind = "11" | "SA" | "RA" | "0" | `3/${number}` | "dst" | "unk";

/** True when `k` is a {@link ReplyKind}. */
export function isReplyKind(k: unknown): k is ReplyKind {
  return typeof k === "string" && /^(11|SA|RA|0|dst|unk|3\/\d{1,3})$/.test(k);
}

/** True when a reply of kind `k` means the probe reached its target (the trace ends there). */
export function isTerminal(k: ReplyKind): boolean {
  return k !== "11" && k !== "unk";
}

/** A human word for a destination's reply kind: `open`, `closed`, `filtered`, `reached`, `unreachable`. */
export function portStatus(k: ReplyKind): string {
  if (k === "SA") return "open";
  if (k === "RA") return "closed";
  if (k === "unk" || k === "11") return "no answer";
  if (k === "0" || k === "dst") return "reached";
  if (k === "3/3") return "closed (port unreachable)";
  return `unreachable (ICMP ${k})`;
}

/** Options of a trace. */
export interface TraceOptions {
  /**
   * Target IPv4 or IPv6 addresses (no names: resolve before, netreport never resolves during a
   * trace). IPv6 targets are named in canonical form (RFC 5952) in the result.
   */
  targets: string[];
  /** Probe protocol. Default `tcp`. */
  protocol?: ProbeProtocol;
  /** Destination ports for TCP (SYN) probes. Default [80, 443]. UDP uses 33434+ per probe; ICMP none. */
  ports?: number[];
  /** First TTL (IPv6: hop limit). Default 1. */
  minTtl?: number;
  /** Last TTL. Default 30. */
  maxTtl?: number;
  /** Probes per hop. Default 1 (as scapy). */
  queries?: number;
  /** Extra rounds for hops that stayed silent. Default 2. */
  retries?: number;
  /** Longest wait for replies after each round's last probe, ms. Default 2000 (scapy's timeout). */
  timeoutMs?: number;
  /**
   * End a round early once nothing arrived for 4 × the largest RTT seen + 250 ms (raw probes
   * only). Default true; false waits the full `timeoutMs` every round, as scapy does.
   */
  adaptiveWait?: boolean;
  /** Stops the trace; what came back so far is kept. */
  signal?: AbortSignal;
}

/** One row of the `traceHops` dataset: one (target, port, TTL) and what answered it. */
export interface TraceHopRow {
  /** The traced address. */
  target: string;
  protocol: ProbeProtocol;
  /** Destination port for TCP; null for UDP and ICMP. */
  port: number | null;
  /** Hop number (the probes' TTL). */
  ttl: number;
  /** Who answered; null when nobody did. */
  address: string | null;
  /** Reply kind, scapy's codes (see {@link ReplyKind}). */
  kind: ReplyKind;
  /** True when `address` is the target itself. */
  isTarget: boolean;
  /** Smallest round-trip time of the hop's answered probes, ms; null when silent. */
  rttMs: number | null;
  /** Every probe's RTT in ms in send order, `*` for an unanswered one, e.g. `0.41 0.39 *`. */
  rtts: string;
  /** Probes sent for this hop, retries included. */
  probes: number;
  /** AS number of `address`, null when unknown. */
  asn: number | null;
  /** AS organisation. */
  asOrg: string | null;
  /** Country code (ISO 3166-1 alpha-2). */
  country: string | null;
  /** City. */
  city: string | null;
  /** Scope label for special-purpose ranges, e.g. `private (RFC 1918)`; `public` otherwise. */
  scope: string | null;
}

/** The hop dataset of a trace. */
export type TraceHopsDataset = Dataset<"traceHops", TraceHopRow>;

/** What a trace returns. */
export interface TraceResult {
  /** Hops of every (target, port), TTL ascending, cut after the destination. */
  hops: TraceHopsDataset;
  /** The probing source address (the graph's root). */
  source: string | null;
  /** How the trace ran: `raw` (netreport's own probes) or `traceroute` (the system tool). */
  method: "raw" | "traceroute";
}
