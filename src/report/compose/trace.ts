/**
 * The traceroute report: TraceResult → Report.
 *
 *   summary figures → route graph (Graphviz: AS clusters, colour per target, port states) →
 *   AS path summary → one hop table per target (reply and RTT per port) → method notes
 *
 * Also the route graph as DOT ({@link routeGraphDot}, every text escaped by toDot) and as
 * SVG + PNG ({@link renderRouteGraph}, Graphviz wasm and sharp). Pure apart from that rendering.
 */
import { isLoopbackAddress } from "../../analyses/sessions/classify.js";
import { makeDataset } from "../../dataset/create.js";
import type { Column } from "../../dataset/types.js";
import type { Figure, Report, Section } from "../types.js";
import { buildRouteGraph, type RouteGraph, type RouteNode } from "../../analyses/trace/graph.js";
import { portStatus, type TraceHopRow, type TraceResult } from "../../analyses/trace/types.js";
import { toDot, type DotCluster, type DotGraph, type DotNode } from "../../render/dot.js";
import { renderDot } from "../../render/graphviz.js";
import { svgToPng } from "../../render/png.js";
import { mdLiteral } from "../markdown.js";

/** Options of {@link composeTraceReport}. */
export interface TraceReportOptions {
  /** Report title. Default "Route trace". */
  title?: string;
  /** Data-source credits (the enricher's `attribution`). */
  attributions?: string[];
  lang?: string;
}

/** Edge colours, one per target in order (repeats after eight). */
export const TARGET_COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];

const portText = (p: { port: number | null; kind: string }) => `${p.port === null ? "" : `${p.port}: `}${p.kind} ${portStatus(p.kind as TraceHopRow["kind"])}`;

function nodeOf(n: RouteNode, source: string | null): DotNode {
  if (n.role === "source") return { id: n.id, attrs: { label: `this host${source ? `\n${source}` : ""}`, shape: "box", style: "rounded,filled", fillcolor: "#f3f4f6" } };
  if (n.role === "silent") return { id: n.id, attrs: { label: `unk\nhop ${n.ttl}`, shape: "circle", style: "dashed", color: "#9ca3af", fontcolor: "#6b7280" } };
  const lines = [n.address ?? ""];
  if (n.place) lines.push(n.place);
  else if (n.scope) lines.push(n.scope);
  if (n.role === "target") {
    lines.push(...n.ports.map(portText));
    const open = n.ports.some((p) => p.kind === "SA" || p.kind === "0" || p.kind === "dst");
    const answered = n.ports.some((p) => p.kind !== "unk");
    return { id: n.id, attrs: { label: lines.join("\n"), shape: "box", style: "filled,bold", fillcolor: open ? "#bbf7d0" : answered ? "#fecaca" : "#e5e7eb", tooltip: `target ${n.address}` } };
  }
  return { id: n.id, attrs: { label: lines.join("\n"), shape: "ellipse", tooltip: n.asn ? `AS${n.asn} ${n.asOrg ?? ""}`.trim() : (n.address ?? "") } };
}

/** The route graph as DOT: AS clusters, an edge colour per target, silent hops dashed. */
export function routeGraphDot(graph: RouteGraph, source: string | null = null): string {
  const colour = new Map(graph.targets.map((t, i) => [t, TARGET_COLOURS[i % TARGET_COLOURS.length]!]));
  const inGroup = new Set(graph.groups.flatMap((g) => g.nodes));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const clusters: DotCluster[] = graph.groups.map((g) => ({
    id: `as${g.asn}`,
    attrs: { label: `AS${g.asn}${g.asOrg ? `\n${g.asOrg}` : ""}`, style: "rounded,filled", fillcolor: "#f8fafc", color: "#94a3b8" },
    nodes: g.nodes.map((id) => nodeOf(byId.get(id)!, source)),
  }));
  const dot: DotGraph = {
    directed: true,
    name: "route",
    attrs: { graph: { rankdir: "LR", fontsize: 11 }, node: { fontsize: 10 }, edge: { arrowsize: 0.6 } },
    nodes: graph.nodes.filter((n) => !inGroup.has(n.id)).map((n) => nodeOf(n, source)),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, attrs: { color: colour.get(e.target), style: e.dashed ? "dashed" : undefined, tooltip: `to ${e.target}` } })),
    clusters,
  };
  return toDot(dot);
}

/** Lays out the route graph: SVG (Graphviz) and PNG (sharp, 144 DPI). */
export async function renderRouteGraph(result: TraceResult, lang?: string): Promise<{ dot: string; svg: string; png: Buffer }> {
  const dot = routeGraphDot(buildRouteGraph(result.hops.rows, result.source), result.source);
  const svg = await renderDot(dot, "dot", lang);
  return { dot, svg, png: await svgToPng(svg) };
}

interface AsPathRow {
  target: string;
  ports: string;
  hops: number;
  asPath: string;
  silent: number;
}

/** One row per target: final replies per port, hop count, the AS path (consecutive duplicates merged). */
export function asPaths(rows: readonly TraceHopRow[]): AsPathRow[] {
  const targets = [...new Set(rows.map((r) => r.target))];
  return targets.map((target) => {
    const mine = rows.filter((r) => r.target === target);
    const ports = [...new Set(mine.map((r) => r.port))];
    const finals = ports.map((port) => {
      const path = mine.filter((r) => r.port === port).sort((a, b) => a.ttl - b.ttl);
      const last = path[path.length - 1]!;
      return { port, kind: last.isTarget ? last.kind : ("unk" as const) };
    });
    const longest = ports
      .map((port) => mine.filter((r) => r.port === port).sort((a, b) => a.ttl - b.ttl))
      .sort((a, b) => Number(b.some((r) => r.isTarget)) - Number(a.some((r) => r.isTarget)) || b.length - a.length)[0]!;
    const path: string[] = [];
    for (const r of longest) {
      if (r.address === null) continue;
      const hop = r.asn !== null ? `AS${r.asn}${r.asOrg ? ` ${r.asOrg}` : ""}` : (r.scope ?? "unknown");
      if (path[path.length - 1] !== hop) path.push(hop);
    }
    const reachedAt = longest.find((r) => r.isTarget)?.ttl;
    return {
      target,
      ports: finals.map(portText).join(", "),
      hops: reachedAt ?? longest.length,
      asPath: path.join(" → ") || "no hop answered",
      silent: longest.filter((r) => r.address === null && (reachedAt === undefined || r.ttl < reachedAt)).length,
    };
  });
}

const AS_PATH_COLUMNS: Column<AsPathRow>[] = [
  { key: "target", label: "Target", type: "ip" },
  { key: "ports", label: "Final reply per port", type: "text" },
  { key: "hops", label: "Hops", type: "integer", description: "TTL at which the target answered, or hops probed" },
  { key: "silent", label: "Silent hops", type: "integer" },
  { key: "asPath", label: "AS path", type: "text" },
];

/** Per-target hop table: one row per TTL, address and place once, reply and RTT per port. */
export function targetHopTable(result: TraceResult, target: string) {
  const rows = result.hops.rows.filter((r) => r.target === target);
  const ports = [...new Set(rows.map((r) => r.port))];
  const ttls = [...new Set(rows.map((r) => r.ttl))].sort((a, b) => a - b);
  const key = (p: number | null) => (p === null ? "any" : String(p));
  const columns: Column<Record<string, string | number | null>>[] = [
    { key: "ttl", label: "Hop", type: "integer" },
    { key: "address", label: "Address", type: "ip" },
    { key: "as", label: "AS", type: "text" },
    { key: "place", label: "Place / scope", type: "text" },
  ];
  // Every probe's RTT is worth a column only when some hop has more than one answered probe.
  const multi = rows.some((r) => r.rtts.split(" ").filter((x) => x !== "*").length > 1);
  for (const p of ports) {
    const name = p === null ? "" : ` ${p}`;
    columns.push({ key: `kind${key(p)}`, label: `Reply${name}`, type: "text" }, { key: `rtt${key(p)}`, label: `RTT${name}`, type: "duration" });
    if (multi) columns.push({ key: `rtts${key(p)}`, label: `Probes${name} (ms)`, type: "text" });
  }
  const out = ttls.map((ttl) => {
    const at = rows.filter((r) => r.ttl === ttl);
    const answered = at.find((r) => r.address !== null);
    const addresses = [...new Set(at.map((r) => r.address).filter((a): a is string => a !== null))];
    const row: Record<string, string | number | null> = {
      ttl,
      address: addresses.join(", ") || null,
      as: answered?.asn != null ? `AS${answered.asn}${answered.asOrg ? ` ${answered.asOrg}` : ""}` : null,
      place: answered ? [answered.city, answered.country].filter(Boolean).join(", ") || answered.scope : null,
    };
    for (const p of ports) {
      const r = at.find((x) => x.port === p);
      row[`kind${key(p)}`] = r?.kind ?? null;
      row[`rtt${key(p)}`] = r?.rttMs ?? null;
      row[`rtts${key(p)}`] = r?.rtts ?? null;
    }
    return row;
  });
  return makeDataset({ kind: "traceTargetHops", schemaVersion: 1, title: `Hops to ${target}`, columns, rows: out, provenance: result.hops.provenance });
}

/** Builds the report of one trace. */
export function composeTraceReport(result: TraceResult, options: TraceReportOptions = {}): Report {
  const rows = result.hops.rows;
  const graph = buildRouteGraph(rows, result.source);
  const paths = asPaths(rows);
  const targets = graph.targets;
  const reached = targets.filter((t) => rows.some((r) => r.target === t && r.isTarget)).length;
  const addresses = new Set(rows.filter((r) => r.address !== null && !r.isTarget).map((r) => r.address));
  const silent = new Set(rows.filter((r) => r.kind === "unk" && paths.some((p) => p.target === r.target && r.ttl < p.hops)).map((r) => `${r.target}|${r.ttl}`)).size;
  const figures: Figure[] = [
    { label: "Targets", value: targets.length, type: "integer" },
    { label: "Reached", value: reached, type: "integer", tone: reached === targets.length ? "good" : "warn", note: `of ${targets.length} targets, on some port` },
    { label: "Routers seen", value: addresses.size, type: "integer" },
    { label: "Silent hops", value: silent, type: "integer", tone: silent ? "warn" : "neutral", note: "per target, before the destination" },
    { label: "Autonomous systems", value: graph.groups.length, type: "integer" },
    { label: "Method", value: result.method === "raw" ? "raw" : "traceroute", note: result.method === "raw" ? "netreport's own probes" : "system traceroute -T" },
  ];
  const params = result.hops.provenance.parameters as { protocol?: string; ports?: number[] | null; maxTtl?: number } | null;
  const sections: Section[] = [
    { kind: "figures", title: "Summary", figures },
    {
      kind: "graph",
      title: "Route graph",
      dot: routeGraphDot(graph, result.source),
      caption: `One node per answering address, boxes per autonomous system, one edge colour per target; dashed circles are silent hops, a dashed edge leads to a target that never answered. Targets show each port's reply: SA open, RA closed.`,
    },
    {
      kind: "table",
      title: "AS path per target",
      dataset: makeDataset({ kind: "traceAsPaths", schemaVersion: 1, title: "AS paths", columns: AS_PATH_COLUMNS, rows: paths, provenance: result.hops.provenance }),
    },
  ];
  for (const t of targets) sections.push({ kind: "table", title: `Hops to ${t}`, dataset: targetHopTable(result, t) });
  sections.push({
    kind: "prose",
    title: "How the trace ran",
    markdown: [
      result.method === "raw"
        ? `${mdLiteral(String(params?.protocol ?? "tcp").toUpperCase())} probes for every TTL up to ${mdLiteral(String(params?.maxTtl ?? 30))} were sent to all targets at once as raw frames; each reply was matched to its probe by the headers it quotes or acknowledges. Silent hops were probed again. The probing host's kernel answers each SYN-ACK with a RST, as it does for scapy and nmap -sS: no connection is left open.`
        : "The system `traceroute` ran once per target and port; its output was read into the same hops. It does not say whether a destination answered SYN-ACK or RST (`dst`).",
      "",
      ...(targets.some((t) => isLoopbackAddress(t) || t === result.source) ? ["This host's own addresses are one hop away and were measured with connect(): Linux drops raw frames injected on the loopback interface as martians.", ""] : []),
      "Reply codes (as scapy prints them): `11` ICMP time exceeded, `SA` SYN-ACK (open), `RA` RST (closed), `3/n` ICMP destination unreachable with code n, `0` echo reply, `dst` reached, `unk` no answer.",
      "",
      ...(targets.some((t) => t.includes(":")) ? ["IPv6 targets were probed with the hop limit for TTL; their ICMPv6 replies are shown in the same codes: time exceeded as `11`, echo reply as `0`, and destination unreachable by meaning, with the IPv4 code (no route `3/0`, administratively prohibited or rejected `3/13`, address unreachable `3/1`, port unreachable `3/3`).", ""] : []),
      "Routers limit the ICMP errors they send (Linux: one per second per source after a burst of six), so hops that are silent in one run can answer in the next.",
      ...(result.hops.warnings.length ? ["", "Notes:", ...result.hops.warnings.map((w) => `- ${mdLiteral(w)}`)] : []),
    ].join("\n"),
  });
  return {
    title: options.title ?? "Route trace",
    scope: targets.join(", "),
    lang: options.lang ?? "en",
    metadata: { Source: result.source ?? "this host", Ports: params?.ports?.join(", ") ?? `none (${(params?.protocol ?? "").toUpperCase()} probes)` },
    sections,
    datasets: [result.hops],
    ...(options.attributions?.length ? { attributions: options.attributions } : {}),
  };
}

