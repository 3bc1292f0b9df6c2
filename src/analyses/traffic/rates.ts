/**
 * Interface rates from successive counter snapshots: pure, so tests feed it counters directly.
 *
 *   snapshots (time, counters) → per-interval deltas → rates per interface → totals per interface
 *
 * A counter that goes backwards (the interface was re-created, or a 32-bit counter wrapped) makes
 * that interface's interval unknown: it is skipped with a warning, never shown as a huge spike.
 */
import type { CounterSnapshot, InterfaceCounters } from "./procNetDev.js";

/** Counters read at one moment. */
export interface TimedSnapshot {
  /** Epoch ms when the counters were read. */
  at: number;
  counters: CounterSnapshot;
}

/** One row of the `interfaceTraffic` dataset: one interface over one sampling interval. */
export interface TrafficRow {
  /** End of the interval, ISO 8601 UTC. */
  time: string;
  interface: string;
  /** Received bytes per second over the interval. */
  rxBytesPerSec: number;
  /** Sent bytes per second over the interval. */
  txBytesPerSec: number;
  rxPacketsPerSec: number;
  txPacketsPerSec: number;
}

/** One row of the `interfaceSummary` dataset: one interface over the whole sampling window. */
export interface InterfaceSummaryRow {
  interface: string;
  /** Bytes received / sent during the window. */
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  /** Mean and highest interval rates, bytes per second. */
  rxMeanRate: number;
  txMeanRate: number;
  rxPeakRate: number;
  txPeakRate: number;
  /** Errors and drops (both directions) during the window. */
  errors: number;
  dropped: number;
  /** Counters since boot at the end of the window. */
  rxTotal: number;
  txTotal: number;
}

/** What {@link computeRates} returns. */
export interface RateResult {
  traffic: TrafficRow[];
  summary: InterfaceSummaryRow[];
  warnings: string[];
}

const FIELDS = ["rxBytes", "rxPackets", "txBytes", "txPackets", "rxErrors", "txErrors", "rxDropped", "txDropped"] as const;
type Delta = Record<(typeof FIELDS)[number], number>;

function delta(a: InterfaceCounters, b: InterfaceCounters): Delta | null {
  const d = {} as Delta;
  for (const f of FIELDS) {
    if (b[f] < a[f]) return null;
    d[f] = b[f] - a[f];
  }
  return d;
}

/**
 * Turns snapshots (oldest first, at least two) into per-interval rates and per-interface totals.
 * Interfaces are listed in the order the kernel lists them; ones present in only some snapshots
 * are counted over the intervals where both ends exist, with a warning.
 */
export function computeRates(snapshots: readonly TimedSnapshot[]): RateResult {
  const traffic: TrafficRow[] = [];
  const warnings: string[] = [];
  const sums = new Map<string, InterfaceSummaryRow & { intervals: number; seconds: number }>();
  const names: string[] = [];
  for (const s of snapshots) for (const n of s.counters.keys()) if (!names.includes(n)) names.push(n);
  for (let i = 1; i < snapshots.length; i++) {
    const prev = snapshots[i - 1]!;
    const cur = snapshots[i]!;
    const seconds = (cur.at - prev.at) / 1000;
    if (!(seconds > 0)) continue;
    const time = new Date(cur.at).toISOString();
    for (const name of names) {
      const a = prev.counters.get(name);
      const b = cur.counters.get(name);
      if (!a || !b) continue;
      const d = delta(a, b);
      if (!d) {
        warnings.push(`counters of ${name} went backwards before ${time} (interface re-created or counter wrapped); that interval is skipped`);
        continue;
      }
      const row: TrafficRow = {
        time,
        interface: name,
        rxBytesPerSec: d.rxBytes / seconds,
        txBytesPerSec: d.txBytes / seconds,
        rxPacketsPerSec: d.rxPackets / seconds,
        txPacketsPerSec: d.txPackets / seconds,
      };
      traffic.push(row);
      let s = sums.get(name);
      if (!s) {
        s = { interface: name, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0, rxMeanRate: 0, txMeanRate: 0, rxPeakRate: 0, txPeakRate: 0, errors: 0, dropped: 0, rxTotal: 0, txTotal: 0, intervals: 0, seconds: 0 };
        sums.set(name, s);
      }
      s.rxBytes += d.rxBytes;
      s.txBytes += d.txBytes;
      s.rxPackets += d.rxPackets;
      s.txPackets += d.txPackets;
      s.errors += d.rxErrors + d.txErrors;
      s.dropped += d.rxDropped + d.txDropped;
      s.rxPeakRate = Math.max(s.rxPeakRate, row.rxBytesPerSec);
      s.txPeakRate = Math.max(s.txPeakRate, row.txBytesPerSec);
      s.rxTotal = b.rxBytes;
      s.txTotal = b.txBytes;
      s.intervals++;
      s.seconds += seconds;
    }
  }
  const first = snapshots[0]?.counters;
  const last = snapshots[snapshots.length - 1]?.counters;
  for (const name of names) {
    if (!first?.has(name)) warnings.push(`interface ${name} appeared during sampling`);
    else if (!last?.has(name)) warnings.push(`interface ${name} disappeared during sampling`);
  }
  const summary = names.flatMap((name) => {
    const s = sums.get(name);
    if (!s) return [];
    const { intervals: _i, seconds, ...row } = s;
    return [{ ...row, rxMeanRate: row.rxBytes / seconds, txMeanRate: row.txBytes / seconds }];
  });
  return { traffic, summary, warnings };
}
