/**
 * Samples this machine's interface counters over a window and returns them as datasets.
 *
 *   1. read /proc/net/dev (t0)
 *   2. every `intervalMs`, read it again, until `durationMs` has passed or `signal` aborts
 *   3. rates per interval and totals per interface (rates.ts), on the measured elapsed times
 *   4. datasets `interfaceTraffic` (time series) and `interfaceSummary`
 *
 * The file reader, clock and sleep are injected (`effects`) so tests can drive the loop; the
 * defaults read the real /proc. An abort keeps what was sampled, with a warning.
 */
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { NetreportError } from "../../errors.js";
import { makeDataset, provenance } from "../../dataset/create.js";
import { registerDatasetKind } from "../../dataset/json.js";
import type { Column, Dataset } from "../../dataset/types.js";
import { parseProcNetDev } from "./procNetDev.js";
import { computeRates, type InterfaceSummaryRow, type TimedSnapshot, type TrafficRow } from "./rates.js";

export const TRAFFIC_KIND = "interfaceTraffic";
export const INTERFACE_SUMMARY_KIND = "interfaceSummary";
export const TRAFFIC_SCHEMA_VERSION = 1;
registerDatasetKind(TRAFFIC_KIND, TRAFFIC_SCHEMA_VERSION);
registerDatasetKind(INTERFACE_SUMMARY_KIND, TRAFFIC_SCHEMA_VERSION);

/** The world the sampler touches. */
export interface TrafficEffects {
  /** Returns the text of /proc/net/dev. */
  read(): Promise<string>;
  /** Epoch ms. */
  now(): number;
  /** Waits `ms`; rejects or resolves early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of {@link sampleTraffic}. */
export interface SampleTrafficOptions {
  /** How long to sample, in ms. Default 3000. */
  durationMs?: number;
  /** Time between reads, in ms. Default 500; at least 50. */
  intervalMs?: number;
  /** Interfaces to keep (by name). Default: all. */
  interfaces?: string[];
  /** Stops sampling early; what was sampled is kept. */
  signal?: AbortSignal;
  /** Where /proc/net/dev is. Default "/proc/net/dev". */
  file?: string;
  effects?: Partial<TrafficEffects>;
}

/** What {@link sampleTraffic} returns: spread it into `composeLocalReport`. */
export interface TrafficResult {
  traffic: Dataset<typeof TRAFFIC_KIND, TrafficRow>;
  interfaces: Dataset<typeof INTERFACE_SUMMARY_KIND, InterfaceSummaryRow>;
}

const TRAFFIC_COLUMNS: Column<TrafficRow>[] = [
  { key: "time", label: "Time", type: "timestamp", description: "End of the sampling interval." },
  { key: "interface", label: "Interface", type: "text" },
  { key: "rxBytesPerSec", label: "Received", type: "byteRate" },
  { key: "txBytesPerSec", label: "Sent", type: "byteRate" },
  { key: "rxPacketsPerSec", label: "Packets in", type: "number", unit: "pkt/s" },
  { key: "txPacketsPerSec", label: "Packets out", type: "number", unit: "pkt/s" },
];

const SUMMARY_COLUMNS: Column<InterfaceSummaryRow>[] = [
  { key: "interface", label: "Interface", type: "text" },
  { key: "rxBytes", label: "Received", type: "bytes", description: "Bytes received during the sampling window." },
  { key: "txBytes", label: "Sent", type: "bytes", description: "Bytes sent during the sampling window." },
  { key: "rxPackets", label: "Packets in", type: "integer" },
  { key: "txPackets", label: "Packets out", type: "integer" },
  { key: "rxMeanRate", label: "Mean in", type: "byteRate" },
  { key: "txMeanRate", label: "Mean out", type: "byteRate" },
  { key: "rxPeakRate", label: "Peak in", type: "byteRate" },
  { key: "txPeakRate", label: "Peak out", type: "byteRate" },
  { key: "errors", label: "Errors", type: "integer" },
  { key: "dropped", label: "Dropped", type: "integer" },
  { key: "rxTotal", label: "Received since boot", type: "bytes" },
  { key: "txTotal", label: "Sent since boot", type: "bytes" },
];

const realEffects = (file: string): TrafficEffects => ({
  read: () => readFile(file, "utf8"),
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
});

/** Samples interface counters from /proc/net/dev for `durationMs` and returns traffic datasets. */
export async function sampleTraffic(options: SampleTrafficOptions = {}): Promise<TrafficResult> {
  const durationMs = options.durationMs ?? 3000;
  const intervalMs = Math.max(50, options.intervalMs ?? 500);
  const file = options.file ?? "/proc/net/dev";
  if (!(durationMs > 0)) throw new NetreportError("EUSAGE", `durationMs must be positive, got ${durationMs}`);
  const fx: TrafficEffects = { ...realEffects(file), ...options.effects };
  const keep = options.interfaces ? new Set(options.interfaces) : null;
  const started = new Date(fx.now());
  const read = async (): Promise<TimedSnapshot> => {
    let text: string;
    try {
      text = await fx.read();
    } catch (e) {
      throw new NetreportError("EPROC", `cannot read interface counters: ${(e as Error).message}`, { where: file, cause: e, hint: "netreport's traffic sampling needs Linux /proc" });
    }
    const counters = parseProcNetDev(text, file);
    if (keep) for (const name of [...counters.keys()]) if (!keep.has(name)) counters.delete(name);
    return { at: fx.now(), counters };
  };
  const snapshots = [await read()];
  const warnings: string[] = [];
  const end = snapshots[0]!.at + durationMs;
  while (fx.now() < end) {
    if (options.signal?.aborted) {
      warnings.push(`sampling stopped after ${((fx.now() - snapshots[0]!.at) / 1000).toFixed(1)} s of ${(durationMs / 1000).toFixed(1)} s`);
      break;
    }
    await fx.sleep(Math.min(intervalMs, end - fx.now()), options.signal);
    if (options.signal?.aborted && snapshots.length > 1) continue;
    snapshots.push(await read());
  }
  if (keep) for (const name of keep) if (!snapshots[0]!.counters.has(name)) warnings.push(`interface ${name} not found in ${file}`);
  const rates = computeRates(snapshots);
  const parameters = { durationMs, intervalMs, interfaces: options.interfaces ?? null, source: file };
  const prov = provenance("proc.traffic", parameters, started);
  return {
    traffic: makeDataset({ kind: TRAFFIC_KIND, schemaVersion: TRAFFIC_SCHEMA_VERSION, title: "Interface traffic over time", columns: TRAFFIC_COLUMNS, rows: rates.traffic, provenance: prov, warnings: [...warnings, ...rates.warnings] }),
    interfaces: makeDataset({ kind: INTERFACE_SUMMARY_KIND, schemaVersion: TRAFFIC_SCHEMA_VERSION, title: "Interfaces", columns: SUMMARY_COLUMNS, rows: rates.summary, provenance: prov, warnings: [...warnings, ...rates.warnings] }),
  };
}
