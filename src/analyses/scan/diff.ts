/**
 * What changed between two scans, as nmap's ndiff reports it: hosts that appeared or went,
 * host status changes, ports that opened or closed, other state changes, and changed services
 * (name, product or version) on ports open in both.
 *
 * A port missing from one scan's listed ports takes that host's counted state (extraports): the
 * one whose port list holds it, or, without lists, the only one; otherwise it was not scanned
 * there and only an open port on the other side is reported.
 *
 * A host missing from a scan that did not finish (interrupted, nmap stopped) was perhaps never
 * reached: it is reported as host-not-reached or host-not-in-baseline, never as gone or new.
 */
import { makeDataset, provenance } from "../../dataset/create.js";
import { registerDatasetKind } from "../../dataset/json.js";
import type { Column, Dataset } from "../../dataset/types.js";
import { portKey, type PortScanRow, type ScanSnapshot } from "./dataset.js";
import { countedStateOf } from "./ports/ranges.js";

/** Kinds of change, as `as const` with a guard. */
export const ChangeKind = {
  hostNew: "host-new",
  hostGone: "host-gone",
  /** In the baseline, missing from this scan, which did not finish. */
  hostNotReached: "host-not-reached",
  /** In this scan, missing from the baseline, which did not finish. */
  hostNotInBaseline: "host-not-in-baseline",
  hostStatus: "host-status",
  portOpened: "port-opened",
  portClosed: "port-closed",
  /** Known in the baseline, not probed by this scan, which did not finish. */
  portNotReached: "port-not-reached",
  /** Known in this scan, not probed by the baseline, which did not finish. */
  portNotInBaseline: "port-not-in-baseline",
  portState: "port-state",
  serviceChanged: "service-changed",
} as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** One change (a row of the `scanChanges` dataset). */
export interface ScanChange {
  address: string;
  hostname: string | null;
  /** `null` for host-level changes. */
  port: number | null;
  protocol: string | null;
  change: ChangeKind;
  /** What it was (state, status or service text); `null` when absent. */
  before: string | null;
  after: string | null;
}

export const SCAN_CHANGES_KIND = "scanChanges";
registerDatasetKind(SCAN_CHANGES_KIND, 1);

const COLUMNS: Column<ScanChange>[] = [
  { key: "address", label: "Address", type: "ip" },
  { key: "hostname", label: "Host name", type: "text" },
  { key: "port", label: "Port", type: "port" },
  { key: "protocol", label: "Protocol", type: "text" },
  { key: "change", label: "Change", type: "text" },
  { key: "before", label: "Before", type: "text" },
  { key: "after", label: "After", type: "text" },
];

function service(p: PortScanRow | undefined): string | null {
  if (!p) return null;
  const text = [p.service, p.product, p.version].filter((x) => x).join(" ");
  return text === "" ? null : text;
}

function stateIn(host: ScanSnapshot["hosts"] extends Map<string, infer H> ? H : never, key: string, port: number, protocol: string): string | null {
  return host.ports.get(key)?.state ?? countedStateOf(host.counted, port, protocol);
}

function openPorts(host: { ports: Map<string, PortScanRow> }): string {
  const open = [...host.ports.values()].filter((p) => p.state === "open").map((p) => portKey(p.port, p.protocol));
  return open.length ? open.join(" ") : "none";
}

/** Lists the changes from `before` to `after`, by address then port. */
export function diffScans(before: ScanSnapshot, after: ScanSnapshot): ScanChange[] {
  const changes: ScanChange[] = [];
  const addresses = [...new Set([...before.hosts.keys(), ...after.hosts.keys()])];
  for (const address of addresses) {
    const b = before.hosts.get(address);
    const a = after.hosts.get(address);
    const hostname = a?.row.hostname ?? b?.row.hostname ?? null;
    const host = (change: ChangeKind, was: string | null, now: string | null) => changes.push({ address, hostname, port: null, protocol: null, change, before: was, after: now });
    if (!b) {
      if (before.partial) host(ChangeKind.hostNotInBaseline, "not reached: the baseline scan did not finish", `${a!.row.status}; open: ${openPorts(a!)}`);
      else host(ChangeKind.hostNew, null, `${a!.row.status}; open: ${openPorts(a!)}`);
      continue;
    }
    if (!a) {
      if (after.partial) host(ChangeKind.hostNotReached, `${b.row.status}; open: ${openPorts(b)}`, "not reached: this scan did not finish");
      else host(ChangeKind.hostGone, `${b.row.status}; open: ${openPorts(b)}`, null);
      continue;
    }
    if (a.row.status !== b.row.status) host(ChangeKind.hostStatus, b.row.status, a.row.status);
    const keys = [...new Set([...b.ports.keys(), ...a.ports.keys()])];
    for (const key of keys) {
      const [portText, protocol] = key.split("/") as [string, string];
      const portNumber = Number(portText);
      const was = stateIn(b, key, portNumber, protocol);
      const now = stateIn(a, key, portNumber, protocol);
      const port = (change: ChangeKind, x: string | null, y: string | null) => changes.push({ address, hostname, port: portNumber, protocol, change, before: x, after: y });
      if (was === now) {
        if (now === "open" && service(b.ports.get(key)) !== service(a.ports.get(key))) {
          port(ChangeKind.serviceChanged, service(b.ports.get(key)), service(a.ports.get(key)));
        }
        continue;
      }
      // A scan that did not finish left ports unprobed: unknown there, neither opened nor closed.
      if (now === null && after.partial) port(ChangeKind.portNotReached, was, "not reached: this scan did not finish");
      else if (was === null && before.partial) port(ChangeKind.portNotInBaseline, "not reached: the baseline scan did not finish", now);
      else if (now === "open") port(ChangeKind.portOpened, was ?? "not scanned", now);
      else if (was === "open") port(ChangeKind.portClosed, was, now ?? "not scanned");
      else if (was !== null && now !== null) port(ChangeKind.portState, was, now);
    }
  }
  const ipOrder = (x: string) => x.split(/[.:]/).map((n) => n.padStart(5, "0")).join(".");
  return changes.sort((x, y) => ipOrder(x.address).localeCompare(ipOrder(y.address)) || (x.port ?? -1) - (y.port ?? -1));
}

/** The changes as a `scanChanges` dataset; `baseline` names what they are compared with. */
export function changesDataset(changes: ScanChange[], baseline: string, before: ScanSnapshot, after: ScanSnapshot): Dataset<typeof SCAN_CHANGES_KIND, ScanChange> {
  return makeDataset({
    kind: SCAN_CHANGES_KIND,
    schemaVersion: 1,
    title: "Changes since the baseline scan",
    columns: COLUMNS,
    rows: changes,
    provenance: provenance("scan.diff", { baseline, baselineFinishedAt: before.finishedAt, scanFinishedAt: after.finishedAt }),
  });
}
