/**
 * Per-host probe bookkeeping during a connect scan, and its conversion to a {@link HostResult}:
 * states live in one byte per port while the host's group is scanned; at the end, ports of a
 * state that has many members (closed or filtered) are counted rather than listed, as nmap's
 * `<extraports>` does, so a 65,535-port scan yields a few rows per host.
 */
import type { ServicesTable } from "../ports/services.js";
import { rttInit, type RttState } from "./rtt.js";
import type { Target } from "../targets/expand.js";
import { HostStatus, PortState, type ExtraPorts, type HostResult, type PortResult } from "../types.js";
import { portRanges, withProtocol } from "../ports/ranges.js";

/** State codes in {@link HostProbes.states}. 0: not probed (yet). */
export const STATE_CODES = [null, PortState.open, PortState.closed, PortState.filtered] as const;
const CODE_OF: Record<string, number> = { open: 1, closed: 2, filtered: 3 };

/** Probe bookkeeping of one host. */
export interface HostProbes {
  target: Target;
  /** Index of the host in target order (results are sorted by it). */
  order: number;
  /** One code per port index (see {@link STATE_CODES}). */
  states: Uint8Array;
  /** Index into the scan's reason table per port index. */
  reasons: Uint8Array;
  /** Connect RTT in ms of open ports, by port index. */
  rtts: Map<number, number>;
  /** Banners by port index. */
  banners: Map<number, string>;
  rtt: RttState;
}

/** A fresh host record for `portCount` ports. */
export function newHostProbes(target: Target, order: number, portCount: number): HostProbes {
  return { target, order, states: new Uint8Array(portCount), reasons: new Uint8Array(portCount), rtts: new Map(), banners: new Map(), rtt: rttInit() };
}

/** Records a state for port index `i`. */
export function setState(h: HostProbes, i: number, state: PortState, reason: number): void {
  h.states[i] = CODE_OF[state] ?? 3;
  h.reasons[i] = reason;
}

/** Options of {@link toHostResult}. */
export interface CollapseOptions {
  /** A non-open state with more ports than this is counted, not listed. Default 25 (nmap's). */
  collapseAbove: number;
  services?: ServicesTable;
}

/** Converts a host's probes to its result; ports never probed (interrupted scan) are left out. */
export function toHostResult(h: HostProbes, ports: readonly number[], reasonTable: readonly string[], opts: CollapseOptions): HostResult {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < h.states.length; i++) counts[h.states[i]!]!++;
  const collapsed = new Set<number>();
  const extraports: ExtraPorts[] = [];
  for (const code of [2, 3]) {
    if (counts[code]! > opts.collapseAbove) {
      collapsed.add(code);
      const of: number[] = [];
      for (let i = 0; i < h.states.length; i++) if (h.states[i] === code) of.push(ports[i]!);
      const ranges = portRanges(of);
      extraports.push({ state: STATE_CODES[code]!, count: counts[code]!, ports: ranges === null ? null : withProtocol("tcp", ranges) });
    }
  }
  const listed: PortResult[] = [];
  for (let i = 0; i < h.states.length; i++) {
    const code = h.states[i]!;
    if (code === 0 || collapsed.has(code)) continue;
    const port = ports[i]!;
    listed.push({
      port,
      protocol: "tcp",
      state: STATE_CODES[code]!,
      reason: reasonTable[h.reasons[i]!] ?? null,
      service: opts.services?.name(port) ?? null,
      product: null,
      version: null,
      extrainfo: null,
      banner: h.banners.get(i) ?? null,
      rttMs: h.rtts.has(i) ? Math.round(h.rtts.get(i)! * 1000) / 1000 : null,
    });
  }
  listed.sort((a, b) => a.port - b.port);
  const answered = counts[1]! + counts[2]! > 0;
  return {
    address: h.target.address,
    hostname: h.target.hostname,
    status: answered ? HostStatus.up : HostStatus.unknown,
    ports: listed,
    extraports,
    srttMs: h.rtt.srtt === null ? null : Math.round(h.rtt.srtt * 1000) / 1000,
    os: null,
  };
}
