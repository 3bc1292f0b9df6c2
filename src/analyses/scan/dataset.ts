/**
 * Scan results as datasets — `scanHosts` (one row per host) and `portScan` (one row per listed
 * port) — and back: a {@link ScanSnapshot} read from saved datasets, which diffs and policies use,
 * so a baseline saved by an earlier run (`--format json`) reads the same as a fresh scan.
 */
import { z } from "zod";
import { NetreportError } from "../../errors.js";
import { makeDataset } from "../../dataset/create.js";
import { registerDatasetKind } from "../../dataset/json.js";
import type { AnyDataset, Column, Dataset, Provenance } from "../../dataset/types.js";
import { VERSION } from "../../version.js";
import { hostname as machineName } from "node:os";
import { PARTIAL_MARK, type HostResult, type ScanResult } from "./types.js";
import type { CountedState } from "./ports/ranges.js";

/** One row of the `scanHosts` dataset. */
export interface ScanHostRow {
  address: string;
  hostname: string | null;
  status: string;
  /** Ports open / closed / filtered, listed or counted. */
  open: number;
  closed: number;
  filtered: number;
  /** States counted but not listed (nmap's extraports), comma-separated; `null` when all are listed. */
  unlisted: string | null;
  /**
   * The ports of each counted state, when known: `closed T:1-49,61-100; filtered T:50-60`
   * (see ports/ranges.ts); `null` when none is known. Absent in bundles of earlier releases.
   */
  unlistedPorts?: string | null;
  srttMs: number | null;
  os: string | null;
}

/** One row of the `portScan` dataset. */
export interface PortScanRow {
  address: string;
  hostname: string | null;
  port: number;
  protocol: string;
  state: string;
  reason: string | null;
  service: string | null;
  product: string | null;
  version: string | null;
  extrainfo: string | null;
  banner: string | null;
  rttMs: number | null;
}

/** Kind names and schema versions. */
export const SCAN_HOSTS_KIND = "scanHosts";
export const PORT_SCAN_KIND = "portScan";
export const SCAN_SCHEMA_VERSION = 1;

// Saved rows as snapshotOf, the diff and the policy read them (--baseline).
const text = z.string().nullable();
const HOST_ROW = z.object({
  address: z.string(),
  hostname: text,
  status: z.string(),
  open: z.number(),
  closed: z.number(),
  filtered: z.number(),
  unlisted: text,
  unlistedPorts: text.optional(),
  srttMs: z.number().nullable(),
  os: text,
});
const PORT_ROW = z.object({
  address: z.string(),
  hostname: text,
  port: z.number(),
  protocol: z.string(),
  state: z.string(),
  reason: text,
  service: text,
  product: text,
  version: text,
  extrainfo: text,
  banner: text,
  rttMs: z.number().nullable(),
});
const SCAN_PROVENANCE = z.looseObject({ finishedAt: z.string() });
registerDatasetKind(SCAN_HOSTS_KIND, SCAN_SCHEMA_VERSION, { row: HOST_ROW, provenance: SCAN_PROVENANCE });
registerDatasetKind(PORT_SCAN_KIND, SCAN_SCHEMA_VERSION, { row: PORT_ROW, provenance: SCAN_PROVENANCE });

const HOST_COLUMNS: Column<ScanHostRow>[] = [
  { key: "address", label: "Address", type: "ip" },
  { key: "hostname", label: "Host name", type: "text" },
  { key: "status", label: "Status", type: "text" },
  { key: "open", label: "Open", type: "integer" },
  { key: "closed", label: "Closed", type: "integer" },
  { key: "filtered", label: "Filtered", type: "integer" },
  { key: "unlisted", label: "Counted, not listed", type: "text", description: "States whose ports are counted only (nmap's extraports)." },
  { key: "unlistedPorts", label: "Counted ports", type: "text", description: "The ports of each counted state, in nmap's port-list syntax, when known." },
  { key: "srttMs", label: "Smoothed RTT", type: "duration" },
  { key: "os", label: "OS guess", type: "text" },
];

const PORT_COLUMNS: Column<PortScanRow>[] = [
  { key: "address", label: "Address", type: "ip" },
  { key: "hostname", label: "Host name", type: "text" },
  { key: "port", label: "Port", type: "port" },
  { key: "protocol", label: "Protocol", type: "text" },
  { key: "state", label: "State", type: "text" },
  { key: "reason", label: "Reason", type: "text" },
  { key: "service", label: "Service", type: "text" },
  { key: "product", label: "Product", type: "text" },
  { key: "version", label: "Version", type: "text" },
  { key: "extrainfo", label: "Extra info", type: "text" },
  { key: "banner", label: "Banner", type: "text", description: "First bytes sent by the service; control bytes escaped." },
  { key: "rttMs", label: "Connect RTT", type: "duration" },
];

/** The two datasets of a scan. */
export interface ScanDatasets {
  hosts: Dataset<typeof SCAN_HOSTS_KIND, ScanHostRow>;
  ports: Dataset<typeof PORT_SCAN_KIND, PortScanRow>;
}

/** Converts a scan result to its datasets (rows in host order, ports ascending). */
export function scanToDatasets(result: ScanResult): ScanDatasets {
  const prov: Provenance = {
    analysis: `scan.${result.source}`,
    parameters: result.parameters,
    host: machineName(),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    tool: `netreport@${VERSION}`,
  };
  const hostRows: ScanHostRow[] = [];
  const portRows: PortScanRow[] = [];
  for (const h of result.hosts) {
    const count = (state: string) => h.ports.filter((p) => p.state === state).length + h.extraports.filter((e) => e.state === state).reduce((n, e) => n + e.count, 0);
    hostRows.push({
      address: h.address,
      hostname: h.hostname,
      status: h.status,
      open: count("open"),
      closed: count("closed"),
      filtered: count("filtered"),
      unlisted: h.extraports.length ? [...new Set(h.extraports.map((e) => e.state))].join(",") : null,
      unlistedPorts: countedPortsText(h.extraports),
      srttMs: h.srttMs,
      os: h.os,
    });
    for (const p of h.ports) {
      portRows.push({ address: h.address, hostname: h.hostname, port: p.port, protocol: p.protocol, state: p.state, reason: p.reason, service: p.service, product: p.product, version: p.version, extrainfo: p.extrainfo, banner: p.banner, rttMs: p.rttMs });
    }
  }
  // Every partial scan's datasets carry the marker a later diff reads (snapshotOf).
  const warnings = [...result.warnings];
  if (result.partial && !warnings.some((w) => w.startsWith(PARTIAL_MARK))) warnings.push(`${PARTIAL_MARK} the scan did not finish; hosts and ports it did not reach are absent`);
  return {
    hosts: makeDataset({ kind: SCAN_HOSTS_KIND, schemaVersion: SCAN_SCHEMA_VERSION, title: "Scanned hosts", columns: HOST_COLUMNS, rows: hostRows, provenance: prov, warnings }),
    ports: makeDataset({ kind: PORT_SCAN_KIND, schemaVersion: SCAN_SCHEMA_VERSION, title: "Ports", columns: PORT_COLUMNS, rows: portRows, provenance: prov, warnings }),
  };
}

/** A scan as diffs and policies read it: hosts by address, each with its listed ports. */
export interface ScanSnapshot {
  /** By address: the host row, its listed ports by {@link portKey}, and its counted states. */
  hosts: Map<string, { row: ScanHostRow; ports: Map<string, PortScanRow>; counted: CountedState[] }>;
  /** When the scan finished (ISO 8601), from provenance. */
  finishedAt: string;
  /** True when the scan did not finish: a host it lacks may simply not have been reached. */
  partial: boolean;
}

/** Key of a port in a snapshot: `443/tcp`. */
export function portKey(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** `closed T:1-49; filtered T:50-60` for a host's counted states, or null when no list is known. */
function countedPortsText(extra: HostResult["extraports"]): string | null {
  // A state counted twice (once per protocol, say) has a list only if every block gave one.
  const byState = new Map<string, string[] | null>();
  for (const e of extra) {
    const had = byState.has(e.state) ? byState.get(e.state)! : [];
    byState.set(e.state, had === null || e.ports === null ? null : [...had, e.ports]);
  }
  const known = [...byState].filter((kv): kv is [string, string[]] => kv[1] !== null);
  return known.length ? known.map(([state, lists]) => `${state} ${lists.join(",")}`).join("; ") : null;
}

/** A host row's counted states with their ports where known (see {@link countedStateOf}). */
export function countedStates(row: ScanHostRow): CountedState[] {
  const lists = new Map<string, string>();
  for (const part of (row.unlistedPorts ?? "").split(";")) {
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(part);
    if (m) lists.set(m[1]!, m[2]!);
  }
  return (row.unlisted ? row.unlisted.split(",") : []).map((state) => ({ state, ports: lists.get(state) ?? null }));
}

/** Builds a snapshot from datasets (e.g. a parsed baseline bundle's); needs a `scanHosts` one. */
export function snapshotOf(datasets: readonly AnyDataset[], where = "datasets"): ScanSnapshot {
  const hostsDs = datasets.find((d) => d.kind === SCAN_HOSTS_KIND) as ScanDatasets["hosts"] | undefined;
  const portsDs = datasets.find((d) => d.kind === PORT_SCAN_KIND) as ScanDatasets["ports"] | undefined;
  if (!hostsDs) {
    throw new NetreportError("EDATASET_SCHEMA", `no ${SCAN_HOSTS_KIND} dataset found`, { where, hint: "use the JSON written by `netreport scan --format json`" });
  }
  const hosts: ScanSnapshot["hosts"] = new Map();
  for (const row of hostsDs.rows) hosts.set(row.address, { row, ports: new Map(), counted: countedStates(row) });
  for (const p of portsDs?.rows ?? []) hosts.get(p.address)?.ports.set(portKey(p.port, p.protocol), p);
  return { hosts, finishedAt: hostsDs.provenance.finishedAt, partial: hostsDs.warnings.some((w) => w.startsWith(PARTIAL_MARK)) };
}
