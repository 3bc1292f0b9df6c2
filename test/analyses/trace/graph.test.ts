/**
 * The route graph from hop rows: structure (one node per address, unk per target and TTL, AS
 * groups, target port states) and its DOT/SVG/PNG with hostile organisation and city names.
 */
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { buildRouteGraph } from "../../../src/analyses/trace/graph.js";
import { hopRow } from "../../../src/analyses/trace/dataset.js";
import type { Hop } from "../../../src/analyses/trace/hops.js";
import type { TraceHopRow, TraceResult } from "../../../src/analyses/trace/types.js";
import { asPaths, composeTraceReport, renderRouteGraph, routeGraphDot, TARGET_COLOURS } from "../../../src/report/compose/trace.js";
import { makeDataset, provenance } from "../../../src/dataset/create.js";

const HOSTILE_ORG = 'Evil"]; x -> y; subgraph cluster_z { label="pwn" } <script>alert(1)</script> \\N &amp; \\G';
const HOSTILE_CITY = "Zürich\\l</text><text>injected";

function hop(target: string, port: number, ttl: number, address: string | null, kind: Hop["kind"]): Hop {
  return { target, protocol: "tcp", port, ttl, address, kind, isTarget: address === target, rttMs: address ? ttl * 1.5 : null, rtts: [address ? ttl * 1.5 : null] };
}

const AS: Record<string, { asn: number; asOrg: string; country: { code: string }; city: string; scopeLabel: string }> = {
  "198.18.64.1": { asn: 64601, asOrg: HOSTILE_ORG, country: { code: "CH" }, city: HOSTILE_CITY, scopeLabel: "benchmarking (RFC 2544)" },
  "198.18.66.2": { asn: 64602, asOrg: "Beta Transit", country: { code: "NL" }, city: "Amsterdam", scopeLabel: "benchmarking (RFC 2544)" },
  "198.18.67.2": { asn: 64603, asOrg: "Gamma 数据", country: { code: "CN" }, city: "上海", scopeLabel: "benchmarking (RFC 2544)" },
  "198.18.68.2": { asn: 64603, asOrg: "Gamma 数据", country: { code: "CN" }, city: "上海", scopeLabel: "benchmarking (RFC 2544)" },
};
const locator = { lookup: (ip: string) => AS[ip] ?? { asn: null, asOrg: null, country: null, city: null, scopeLabel: "public" } };

const hops: Hop[] = [
  hop("198.18.67.2", 80, 1, "198.18.64.1", "11"),
  hop("198.18.67.2", 80, 2, null, "unk"),
  hop("198.18.67.2", 80, 3, "198.18.66.2", "11"),
  hop("198.18.67.2", 80, 4, "198.18.67.2", "SA"),
  hop("198.18.67.2", 443, 1, "198.18.64.1", "11"),
  hop("198.18.67.2", 443, 2, null, "unk"),
  hop("198.18.67.2", 443, 3, "198.18.66.2", "11"),
  hop("198.18.67.2", 443, 4, "198.18.67.2", "RA"),
  hop("198.18.68.2", 443, 1, "198.18.64.1", "11"),
  hop("198.18.68.2", 443, 2, null, "unk"),
  hop("198.18.68.2", 443, 3, "198.18.66.2", "11"),
  hop("198.18.68.2", 443, 4, null, "unk"),
  hop("198.18.68.2", 443, 5, null, "unk"),
];
const rows: TraceHopRow[] = hops.map((h) => hopRow(h, locator));
const result: TraceResult = {
  hops: makeDataset({ kind: "traceHops", schemaVersion: 1, title: "Route hops", columns: [], rows, provenance: provenance("trace", { ports: [80, 443], maxTtl: 5 }) }),
  source: "198.18.64.2",
  method: "raw",
};

describe("buildRouteGraph", () => {
  const g = buildRouteGraph(rows, "198.18.64.2");
  it("has one node per address, an unk node per target and TTL, and no trailing silent hops", () => {
    const ids = g.nodes.map((n) => n.id).sort();
    expect(ids).toEqual(["198.18.64.1", "198.18.66.2", "198.18.67.2", "198.18.68.2", "source", "unk|198.18.67.2|2", "unk|198.18.68.2|2"].sort());
  });
  it("marks targets with each port's final reply; an unreached target hangs off its last hop by a dashed edge", () => {
    expect(g.nodes.find((n) => n.id === "198.18.67.2")!.ports).toEqual([{ port: 80, kind: "SA" }, { port: 443, kind: "RA" }]);
    expect(g.nodes.find((n) => n.id === "198.18.68.2")!.ports).toEqual([{ port: 443, kind: "unk" }]);
    expect(g.edges.filter((e) => e.dashed)).toEqual([{ from: "198.18.66.2", to: "198.18.68.2", target: "198.18.68.2", dashed: true }]);
    // Edges of the two ports of one target are merged.
    expect(g.edges.filter((e) => e.target === "198.18.67.2").length).toBe(4);
  });
  it("groups answering addresses per AS", () => {
    expect(g.groups.map((x) => [x.asn, x.nodes.sort()])).toEqual([
      [64601, ["198.18.64.1"]],
      [64602, ["198.18.66.2"]],
      // 198.18.68.2 never answered: no row carries its AS, so it stays outside the boxes.
      [64603, ["198.18.67.2"]],
    ]);
  });
});

describe("route graph rendering", () => {
  it("escapes hostile names: Graphviz shows them as text and the structure is unchanged", async () => {
    const dot = routeGraphDot(buildRouteGraph(rows, "198.18.64.2"), "198.18.64.2");
    const { svg, png } = await renderRouteGraph(result);
    // Exactly the graph's nodes and clusters; nothing injected.
    expect(svg.match(/class="node"/g)!.length).toBe(7);
    expect(svg.match(/class="cluster"/g)!.length).toBe(3);
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<text>injected");
    const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#45;/g, "-").replace(/&amp;/g, "&"));
    expect(text.join("\n")).toContain('Evil"]; x -> y; subgraph cluster_z { label="pwn" } <script>alert(1)</script> \\N &amp; \\G');
    expect(text).toContain("Zürich\\l</text><text>injected, CH");
    expect(text).toContain("80: SA open");
    expect(text).toContain("443: RA closed");
    expect(text).toContain("AS64603");
    expect(text).toContain("Gamma 数据");
    expect(text).toContain("unk");
    // One colour per target on its edges.
    expect(dot).toContain(`color="${TARGET_COLOURS[0]}"`);
    expect(dot).toContain(`color="${TARGET_COLOURS[1]}"`);
    expect(dot).toMatch(/style="dashed"/);
    const meta = await sharp(png).stats();
    const info = await sharp(png).metadata();
    expect(info.width).toBeGreaterThan(400);
    expect(meta.channels[0]!.min).toBeLessThan(100);
  });
});

describe("composeTraceReport", () => {
  it("has figures, the graph, an AS path summary and one hop table per target", () => {
    const report = composeTraceReport(result);
    expect(report.sections.map((s) => s.title)).toEqual(["Summary", "Route graph", "AS path per target", "Hops to 198.18.67.2", "Hops to 198.18.68.2", "How the trace ran"]);
    const paths = asPaths(rows);
    expect(paths[0]).toMatchObject({ target: "198.18.67.2", ports: "80: SA open, 443: RA closed", hops: 4, silent: 1 });
    expect(paths[0]!.asPath).toBe(`AS64601 ${HOSTILE_ORG} → AS64602 Beta Transit → AS64603 Gamma 数据`);
    expect(paths[1]).toMatchObject({ target: "198.18.68.2", ports: "443: unk no answer" });
    const table = report.sections[3]!;
    expect(table.kind === "table" && table.dataset.rows.map((r) => [r.ttl, r.address, r.kind80, r.kind443])).toEqual([
      [1, "198.18.64.1", "11", "11"],
      [2, null, "unk", "unk"],
      [3, "198.18.66.2", "11", "11"],
      [4, "198.18.67.2", "SA", "RA"],
    ]);
  });
});
