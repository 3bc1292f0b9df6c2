/**
 * The scan report from real nmap XML (python-libnmap fixtures): sections in reading order, the
 * policy findings and the changes since a baseline, and the host × port heat map rendered by the
 * real Vega pipeline with the host labels and port states a reader sees.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";
import { scanToDatasets, snapshotOf } from "../../../src/analyses/scan/dataset.js";
import { changesDataset, diffScans } from "../../../src/analyses/scan/diff.js";
import { applyPolicy, parsePolicy } from "../../../src/analyses/scan/policy.js";
import { composeScanReport, stateCells, stateHeatmapSpec } from "../../../src/report/compose/scan.js";
import { renderVegaLite } from "../../../src/render/vega.js";
import { renderHtml } from "../../../src/report/html.js";
import { markdownToHtml } from "../../../src/report/markdown.js";
import { dataMadeElements, HOSTILE_TEXT, oneLine, visibleText } from "../../helpers/prose.js";
import type { HostResult, ScanResult } from "../../../src/analyses/scan/types.js";

const FILES = resolve("../shared/data/nmap/python-libnmap/libnmap/test/files");
const load = (f: string) => parseNmapXml(readFileSync(join(FILES, f), "utf8"), f);
const snap = (r: ReturnType<typeof load>) => {
  const d = scanToDatasets(r);
  return snapshotOf([d.hosts, d.ports]);
};

const POLICY = "risky:\n  - ports: 23\n    severity: high\n    title: Cleartext login\nunexpected: {severity: low}\n";

function composed() {
  const before = load("2_hosts.xml");
  const after = load("2_hosts_achange.xml");
  const findings = applyPolicy(parsePolicy(POLICY, "p.yaml"), snap(after));
  const changes = changesDataset(diffScans(snap(before), snap(after)), "2_hosts.xml", snap(before), snap(after));
  return { after, report: composeScanReport(after, { findings, changes, policySource: "p.yaml", scope: "127.0.0.1 scanme" }) };
}

describe("composeScanReport", () => {
  it("reads summary, findings, changes, heat map, hosts, per-host tables, appendix in that order", () => {
    const { report } = composed();
    const kinds = report.sections.map((s) => `${s.kind}:${s.title ?? ""}`);
    expect(kinds).toEqual([
      "figures:Summary",
      "findings:Findings",
      "table:Changes since the baseline",
      "chart:Port states by host",
      "table:Hosts",
      "table:127.0.0.1 (localhost)",
      "table:74.207.244.221 (scanme.nmap.org)",
      "prose:Appendix: method and notes",
    ]);
    const figures = report.sections[0]!.kind === "figures" ? report.sections[0]!.figures : [];
    expect(Object.fromEntries(figures.map((f) => [f.label, f.value]))).toMatchObject({ "Hosts scanned": 2, "Hosts up": 2, Changes: 3, Findings: 6 });
    expect(report.findings?.[0]).toMatchObject({ severity: "high", title: "Cleartext login: 23/tcp (telnet) open on 1 host" });
    expect(report.datasets?.map((d) => d.kind)).toEqual(["scanHosts", "portScan", "scanChanges"]);
  });

  it("says when no policy was applied and when nothing changed", () => {
    const r = load("1_hosts.xml");
    const none = composeScanReport(r, { changes: changesDataset([], "old.json", snap(r), snap(r)) });
    const f = none.sections.find((s) => s.kind === "findings");
    expect(f?.kind === "findings" && f.emptyText).toMatch(/No policy was applied/);
    const c = none.sections.find((s) => s.title === "Changes since the baseline");
    expect(c?.kind === "prose" && markdownToHtml(c.markdown)).toContain("Nothing changed since old.json: same hosts");
  });

  it("shows warnings, times and the baseline name as text: no link, autolink, image or markup of their making", () => {
    const r = load("1_hosts.xml");
    const partial = "partial result: stopped; resume at [the portal](https://evil.example/login) or www.evil.example";
    const hostile: ScanResult = { ...r, partial: true, warnings: [partial, ...HOSTILE_TEXT], startedAt: "[start](https://evil.example/s)", finishedAt: "admin@evil.example" };
    const baseline = "![b](data:image/png;base64,iVBORw0KGgo=) https://evil.example/b.json";
    const report = composeScanReport(hostile, { changes: changesDataset([], baseline, snap(r), snap(r)) });
    const prose = report.sections.flatMap((s) => (s.kind === "prose" ? [markdownToHtml(s.markdown)] : []));
    expect(prose).toHaveLength(3); // partial scan, no changes, appendix
    for (const html of prose) expect(dataMadeElements(html)).toEqual([]);
    const text = visibleText(prose.join("\n"));
    for (const w of [partial, ...HOSTILE_TEXT, baseline, "[start](https://evil.example/s)", "admin@evil.example"]) expect(text).toContain(oneLine(w));
  });

  it("keeps down hosts out of the Hosts table but in the datasets", () => {
    const report = composeScanReport(load("full_sudo6.xml"));
    const t = report.sections.find((s) => s.title === "Hosts");
    expect(t?.kind === "table" && t.dataset.rows.length).toBe(4);
    expect(t?.kind === "table" && t.caption).toBe("252 more host(s) were down; they are in the JSON, CSV and XLSX exports.");
    expect(report.datasets?.[0]!.rows.length).toBe(256);
  });

  it("sets the silent hosts of a large connect scan aside and lists the one that answered", () => {
    // 20,000 addresses of which one answered (how long this takes is bench material, not a test's).
    const silent = (i: number): HostResult => ({ address: `198.18.${i >> 8}.${i & 255}`, hostname: null, status: "unknown", ports: [], extraports: [{ state: "filtered", count: 2, ports: "T:22,80" }], srttMs: null, os: null });
    const hosts = Array.from({ length: 20_000 }, (_, i) => silent(i));
    hosts[0] = { ...hosts[0]!, status: "up", ports: [{ port: 22, protocol: "tcp", state: "open", reason: "syn-ack", service: "ssh", product: null, version: null, extrainfo: null, banner: null, rttMs: 1 }], extraports: [] };
    const result: ScanResult = { source: "connect", hosts, warnings: [], partial: false, parameters: {}, startedAt: new Date(0).toISOString(), finishedAt: new Date(1000).toISOString() };
    const t = composeScanReport(result).sections.find((s) => s.title === "Hosts");
    expect(t?.kind === "table" && t.dataset.rows.map((r) => r.address)).toEqual(["198.18.0.0"]);
    expect(t?.kind === "table" && t.caption).toBe("19,999 more host(s) never answered; they are in the JSON, CSV and XLSX exports.");
  });

  it("grids every listed port of every host, open ports first, counted states filled in", () => {
    const grid = stateCells(load("2_hosts_achange.xml"));
    expect(grid.hostsShown).toBe(2);
    const local = grid.cells.filter((c) => c.host === "127.0.0.1 (localhost)");
    expect(Object.fromEntries(local.map((c) => [c.portNumber, c.state]))).toMatchObject({ 22: "open", 23: "open", 25: "closed", 631: "open", 80: "closed" });
    expect(grid.cells.find((c) => c.host.startsWith("74.207") && c.portNumber === 22)?.state).toBe("open");
    const few = stateCells(load("2_hosts_achange.xml"), 1, 3);
    expect(few).toMatchObject({ hostsShown: 1, hostsTotal: 2, portsShown: 3 });
  });

  it("renders the heat map SVG with host labels, port labels and a state legend", async () => {
    const svg = await renderVegaLite(stateHeatmapSpec(stateCells(load("2_hosts_achange.xml"))));
    for (const text of ["127.0.0.1 (localhost)", "74.207.244.221 (scanme.nmap.org)", "22/tcp ssh", "23/tcp telnet", "open", "closed"]) {
      expect(svg).toContain(`>${text}</text>`);
    }
    const rects = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? "";
    const grid = stateCells(load("2_hosts_achange.xml"));
    expect(rects.match(/<path\b/g)?.length).toBe(grid.cells.length);
    expect(rects).toContain('fill="#cc3344"'); // open
  });

  it("renders to HTML with the findings, changes and per-host tables a reader sees", async () => {
    const { report } = composed();
    const { html } = await renderHtml(report);
    expect(html).toContain("Cleartext login: 23/tcp (telnet) open on 1 host");
    expect(html).toContain("port-opened");
    expect(html).toContain("74.207.244.221 (scanme.nmap.org)");
    expect(html).toMatch(/<svg[^>]*>[\s\S]*127\.0\.0\.1 \(localhost\)/);
  });
});
