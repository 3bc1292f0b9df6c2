/**
 * The port-scan and exposure report: ScanResult (+ policy findings, + changes since a baseline)
 * → Report.
 *
 *   summary figures → partial-scan note → findings (policy) → changes since the baseline →
 *   host × port state heat map → hosts → one table per host → appendix (method, notes)
 *
 * Pure: the caller runs the scan, the policy and the diff (see `netreport scan`).
 */
import type { AnyDataset, Dataset } from "../../dataset/types.js";
import type { Finding } from "../../dataset/finding.js";
import type { Figure, Report, Section } from "../types.js";
import { scanToDatasets, type PortScanRow } from "../../analyses/scan/dataset.js";
import type { ScanChange } from "../../analyses/scan/diff.js";
import type { HostResult, ScanResult } from "../../analyses/scan/types.js";
import { countedStateOf } from "../../analyses/scan/ports/ranges.js";
import { mdLiteral } from "../markdown.js";

/** Options of {@link composeScanReport}. */
export interface ScanReportOptions {
  /** Report title. Default "Port scan and exposure". */
  title?: string;
  /** What was scanned (the target specs as written), shown on the cover. */
  scope?: string;
  /** Policy findings; `null` (default) when no policy was applied. */
  findings?: Finding[] | null;
  /** The `scanChanges` dataset from a diff against a baseline; `null` (default) for none. */
  changes?: Dataset<string, ScanChange> | null;
  /** Where the policy came from, for the findings section's text. */
  policySource?: string;
  /** Hosts shown in the heat map and as their own tables at most. Default 50. */
  maxHosts?: number;
  /** Ports (columns) shown in the heat map at most. Default 40. */
  maxPorts?: number;
  lang?: string;
}

/** Colours of port states in the heat map (and its legend order). */
export const STATE_COLORS: ReadonlyArray<readonly [state: string, color: string]> = [
  ["open", "#cc3344"],
  ["open|filtered", "#ee8833"],
  ["unfiltered", "#ddbb33"],
  ["closed|filtered", "#aaaaaa"],
  ["filtered", "#8899bb"],
  ["closed", "#dfe6ee"],
  ["not scanned", "#ffffff"],
];

/** One cell of the heat map. */
export interface StateCell {
  /** Host label: address, with the host name in parentheses when known. */
  host: string;
  /** Column label: `22/tcp ssh`. */
  port: string;
  /** Numeric port (columns are sorted by it). */
  portNumber: number;
  /** Row order (scan order of the host). */
  hostOrder: number;
  state: string;
}

/** What {@link stateCells} chose to show. */
export interface StateGrid {
  cells: StateCell[];
  hostsShown: number;
  hostsTotal: number;
  portsShown: number;
  portsTotal: number;
}

/** The label of a host in charts and table titles. */
export function hostLabel(h: { address: string; hostname: string | null }): string {
  return h.hostname ? `${h.address} (${h.hostname})` : h.address;
}

function stateIn(h: HostResult, key: string): string {
  const p = h.ports.find((x) => `${x.port}/${x.protocol}` === key);
  if (p) return p.state;
  const [port, protocol] = key.split("/");
  return countedStateOf(h.extraports, Number(port), protocol ?? "tcp") ?? "not scanned";
}

/**
 * The host × port grid of the heat map. Columns are the ports listed on some host (open ones
 * first, by how many hosts have them open), rows the hosts with the most open ports first;
 * a port not listed on a host takes the host's counted (extraports) state.
 */
export function stateCells(result: ScanResult, maxHosts = 50, maxPorts = 40): StateGrid {
  const hosts = result.hosts.filter((h) => h.ports.length > 0 || h.status === "up");
  const openCount = new Map<string, number>();
  const listed = new Map<string, { port: number; protocol: string; service: string | null }>();
  for (const h of hosts) {
    for (const p of h.ports) {
      const key = `${p.port}/${p.protocol}`;
      if (!listed.has(key) || (!listed.get(key)!.service && p.service)) listed.set(key, { port: p.port, protocol: p.protocol, service: p.service });
      if (p.state === "open") openCount.set(key, (openCount.get(key) ?? 0) + 1);
    }
  }
  const ports = [...listed.entries()]
    .sort(([ka, a], [kb, b]) => (openCount.get(kb) ?? 0) - (openCount.get(ka) ?? 0) || a.port - b.port)
    .slice(0, maxPorts);
  const opens = (h: HostResult) => h.ports.filter((p) => p.state === "open").length;
  const shownHosts = hosts
    .map((h, order) => ({ h, order }))
    .sort((a, b) => opens(b.h) - opens(a.h) || a.order - b.order)
    .slice(0, maxHosts);
  const cells: StateCell[] = [];
  for (const { h, order } of shownHosts) {
    for (const [key, p] of ports) {
      cells.push({ host: hostLabel(h), port: `${key}${p.service ? ` ${p.service}` : ""}`, portNumber: p.port, hostOrder: order, state: stateIn(h, key) });
    }
  }
  return { cells, hostsShown: shownHosts.length, hostsTotal: hosts.length, portsShown: ports.length, portsTotal: listed.size };
}

/** Vega-Lite spec of the host × port state heat map (nominal colour per state, fixed palette). */
export function stateHeatmapSpec(grid: StateGrid): Record<string, unknown> {
  const present = new Set(grid.cells.map((c) => c.state));
  const states = STATE_COLORS.filter(([s]) => present.has(s));
  // Cells fill about 640 px across when there are few ports, and stay readable when there are many.
  const ports = new Set(grid.cells.map((c) => c.port)).size;
  const hosts = new Set(grid.cells.map((c) => c.host)).size;
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(v)));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: grid.cells },
    width: { step: clamp(640 / Math.max(1, ports), 14, 40) },
    height: { step: clamp(400 / Math.max(1, hosts), 16, 28) },
    mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
    encoding: {
      x: { field: "port", type: "ordinal", title: "Port", sort: { field: "portNumber", op: "min", order: "ascending" }, axis: { labelAngle: -45 } },
      y: { field: "host", type: "ordinal", title: "Host", sort: { field: "hostOrder", op: "min", order: "ascending" } },
      color: {
        field: "state",
        type: "nominal",
        title: "State",
        scale: { domain: states.map(([s]) => s), range: states.map(([, c]) => c) },
        legend: { orient: "bottom" },
      },
      tooltip: [
        { field: "host", type: "nominal", title: "Host" },
        { field: "port", type: "nominal", title: "Port" },
        { field: "state", type: "nominal", title: "State" },
      ],
    },
  };
}

const SOURCE_TEXT: Record<ScanResult["source"], string> = {
  connect: "a TCP connect scan by netreport (refused = closed; timeout or unreachable = filtered, retried with timeouts adapted to each host's measured round-trip time)",
  nmap: "nmap, run by netreport with the options shown below; its XML output was read into the same datasets",
  "nmap-xml": "nmap XML files imported by netreport",
};

/** Builds the report of one scan. */
export function composeScanReport(result: ScanResult, options: ScanReportOptions = {}): Report {
  const { hosts, ports } = scanToDatasets(result);
  const findings = options.findings ?? null;
  const changes = options.changes ?? null;
  const maxHosts = options.maxHosts ?? 50;
  const openRows = ports.rows.filter((r) => r.state === "open");
  const distinctOpen = new Set(openRows.map((r) => `${r.port}/${r.protocol}`)).size;
  const up = hosts.rows.filter((r) => r.status === "up").length;
  const filtered = hosts.rows.reduce((n, r) => n + r.filtered, 0);
  const urgent = findings?.filter((f) => f.severity === "critical" || f.severity === "high").length ?? 0;
  const elapsed = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  // 1. Summary figures.
  const figures: Figure[] = [
    { label: "Hosts scanned", value: hosts.rows.length, type: "integer" },
    { label: "Hosts up", value: up, type: "integer", note: result.source === "connect" ? "answered on some port" : "as nmap reports" },
    { label: "Open ports", value: openRows.length, type: "integer", tone: openRows.length ? "warn" : "good", note: `${distinctOpen} distinct` },
    { label: "Filtered ports", value: filtered, type: "integer" },
  ];
  if (findings) figures.push({ label: "Findings", value: findings.length, type: "integer", tone: urgent ? "bad" : findings.length ? "warn" : "good", note: `${urgent} high or critical` });
  if (changes) figures.push({ label: "Changes", value: changes.rows.length, type: "integer", tone: changes.rows.length ? "warn" : "good", note: "since the baseline" });
  if (Number.isFinite(elapsed) && elapsed >= 0) figures.push({ label: "Duration", value: elapsed, type: "duration" });
  if (result.partial) figures.push({ label: "Partial", value: "yes", tone: "bad", note: "the scan was cut short" });
  const sections: Section[] = [{ kind: "figures", title: "Summary", figures }];
  // 2. What is missing, before anything is read as complete.
  if (result.partial) {
    sections.push({
      kind: "prose",
      title: "Partial scan",
      markdown: ["The scan did not finish; what it found before it stopped is reported. Ports and hosts it did not reach are absent, not closed.", "", ...result.warnings.filter((w) => /partial|interrupt|stopped/i.test(w)).map((w) => `- ${mdLiteral(w)}`)].join("\n"),
    });
  }
  // 3. Findings.
  sections.push({
    kind: "findings",
    title: "Findings",
    findings: findings ?? [],
    emptyText: findings ? `No open port breaks the policy${options.policySource ? ` (${options.policySource})` : ""}.` : "No policy was applied (give one with --policy).",
  });
  // 4. Changes.
  if (changes) {
    const baseline = (changes.provenance.parameters as { baseline?: string } | null)?.baseline ?? "the baseline";
    if (changes.rows.length) sections.push({ kind: "table", title: "Changes since the baseline", dataset: changes, caption: `Compared with ${baseline}.` });
    else sections.push({ kind: "prose", title: "Changes since the baseline", markdown: `Nothing changed since ${mdLiteral(baseline)}: same hosts, same open ports, same services.` });
  }
  // 5. Heat map.
  const grid = stateCells(result, maxHosts, options.maxPorts ?? 40);
  if (grid.cells.length) {
    const cut = [grid.hostsShown < grid.hostsTotal ? `${grid.hostsShown} of ${grid.hostsTotal} hosts (most open ports first)` : "", grid.portsShown < grid.portsTotal ? `${grid.portsShown} of ${grid.portsTotal} listed ports (open ones first)` : ""].filter(Boolean);
    sections.push({
      kind: "chart",
      title: "Port states by host",
      spec: stateHeatmapSpec(grid),
      caption: `Ports listed on at least one host; elsewhere a host's counted state is shown.${cut.length ? ` Showing ${cut.join(" and ")}.` : ""}`,
    });
  }
  // 6. Hosts, then 7. one table per host with listed ports.
  // Hosts that are down (nmap) or never answered (connect scan) stay in the exports, not the table.
  const silent = new Set(hosts.rows.filter((r) => r.status !== "up" && r.open === 0 && r.closed === 0));
  const shownRows = hosts.rows.filter((r) => !silent.has(r));
  sections.push({
    kind: "table",
    title: "Hosts",
    dataset: { ...hosts, rows: shownRows },
    // The counted ports' lists are for the exports and diffs, not for reading.
    columns: hosts.columns.map((c) => c.key).filter((k) => k !== "unlistedPorts"),
    limit: 500,
    ...(silent.size ? { caption: `${silent.size.toLocaleString("en")} more host(s) ${result.source === "connect" ? "never answered" : "were down"}; they are in the JSON, CSV and XLSX exports.` } : {}),
  });
  const byHost = new Map<string, PortScanRow[]>();
  for (const r of ports.rows) {
    const list = byHost.get(r.address) ?? [];
    list.push(r);
    byHost.set(r.address, list);
  }
  let shown = 0;
  for (const h of hosts.rows) {
    const rows = byHost.get(h.address);
    if (!rows?.length || shown >= maxHosts) continue;
    shown++;
    const counted = result.hosts.find((x) => x.address === h.address)?.extraports ?? [];
    const hasVersions = rows.some((r) => r.product || r.version);
    const hasBanners = rows.some((r) => r.banner);
    sections.push({
      kind: "table",
      title: hostLabel(h),
      dataset: { ...ports, title: `Ports of ${hostLabel(h)}`, rows },
      columns: ["port", "protocol", "state", "reason", "service", ...(hasVersions ? ["product", "version", "extrainfo"] : []), ...(hasBanners ? ["banner"] : []), "rttMs"],
      limit: 200,
      ...(counted.length ? { caption: `Also ${counted.map((e) => `${e.count.toLocaleString("en")} ${e.state}`).join(", ")} port(s), counted but not listed.` } : {}),
    });
  }
  if (byHost.size > shown) sections.push({ kind: "prose", markdown: `${byHost.size - shown} more host(s) with listed ports are in the Hosts table and the JSON/CSV/XLSX exports.` });
  // 8. Appendix.
  const params = JSON.stringify(result.parameters, null, 1);
  sections.push({
    kind: "prose",
    title: "Appendix: method and notes",
    pageBreakBefore: true,
    markdown: [
      `The results come from ${SOURCE_TEXT[result.source]}. Started ${mdLiteral(String(result.startedAt))}, finished ${mdLiteral(String(result.finishedAt))}.`,
      "",
      "States: **open** a service accepted the connection; **closed** the host answered with a reset; **filtered** no answer, or an ICMP unreachable. A state with many ports on a host is counted rather than listed, as nmap does.",
      "",
      "Parameters:",
      "",
      "```",
      params.length > 3000 ? `${params.slice(0, 3000)}\n…` : params,
      "```",
      "",
      ...(result.warnings.length ? ["**Notes on completeness**", "", ...result.warnings.slice(0, 40).map((w) => `- ${mdLiteral(w)}`)] : []),
    ].join("\n"),
  });
  const datasets: AnyDataset[] = [hosts, ports, ...(changes ? [changes] : [])];
  return {
    title: options.title ?? "Port scan and exposure",
    subtitle: `${hosts.rows.length.toLocaleString("en")} host(s), ${openRows.length.toLocaleString("en")} open port(s)${findings ? `, ${findings.length} finding(s)` : ""}${result.partial ? " (partial)" : ""}`,
    ...(options.scope ? { scope: options.scope } : {}),
    lang: options.lang ?? "en",
    sections,
    datasets,
    findings: findings ?? [],
  };
}
