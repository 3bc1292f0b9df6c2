/**
 * The pcap report: sections in reading order, the world map (TopoJSON inline, circles sized by
 * traffic) rendered by the real Vega pipeline, and the KML export with hostile names escaped.
 * Endpoints are located with the real MaxMind City test database; the two public addresses of
 * the Foudre capture are not in that small test database, so the locator asks it for stand-in
 * addresses that are (Melbourne and Boxford) — the map draws whatever the locator says.
 */
import { describe, expect, it } from "vitest";
import maxmind, { type CityResponse } from "maxmind";
import { analysePcap } from "../../../src/analyses/pcap/analyse.js";
import type { EndpointLocator } from "../../../src/analyses/pcap/summarise/endpoints.js";
import { composePcapKml, composePcapReport, loadWorldTopology, mapPoints, worldMapSpec } from "../../../src/report/compose/pcap.js";
import { renderVegaLite } from "../../../src/render/vega.js";
import { NetreportError } from "../../../src/errors.js";
import { markdownToHtml } from "../../../src/report/markdown.js";
import { dataMadeElements, HOSTILE_TEXT, oneLine, visibleText } from "../../helpers/prose.js";

const DGA = "../shared/data/pcap/dns/PCAP-ATTACK_C2_Foudre_Backdoor_DGA.pcapng";

async function locator(): Promise<EndpointLocator> {
  const reader = await maxmind.open<CityResponse>("../shared/data/mmdb/test-data/GeoIP2-City-Test.mmdb");
  const standIn: Record<string, string> = { "185.56.137.138": "214.0.1.1", "10.0.2.15": "2.2.3.1" };
  return {
    lookup(ip) {
      const r = reader.get(standIn[ip] ?? ip);
      if (!r?.location) return null;
      return { country: r.country ? { code: r.country.iso_code, name: r.country.names.en } : null, city: r.city?.names.en ?? null, lat: r.location.latitude, lon: r.location.longitude };
    },
  };
}

describe("composePcapReport", () => {
  it("puts summary, findings, map, conversations first and the appendix with thresholds last", async () => {
    const result = await analysePcap([DGA], { locator: await locator(), thresholds: { ttlSpread: 7 } });
    const report = composePcapReport(result, { world: loadWorldTopology(), attributions: ["MaxMind test data"] });
    const kinds = report.sections.map((s) => `${s.kind}:${s.title ?? ""}`);
    expect(kinds.slice(0, 4)).toEqual(["figures:Summary", "findings:Findings", "chart:Where the endpoints are", "table:Conversations"]);
    const appendix = report.sections.find((s) => s.title?.startsWith("Appendix"));
    expect(appendix?.kind === "prose" && appendix.markdown).toMatch(/\| `ttlSpread` \| 7 \|/);
    expect(report.findings?.map((f) => f.rule)).toContain("pcap.dga-hostname");
    expect(report.attributions).toEqual(["MaxMind test data"]);
    const figures = report.sections[0]!.kind === "figures" ? report.sections[0]!.figures : [];
    expect(figures.find((f) => f.label === "Packets")?.value).toBe(28);
  });

  it("shows warnings and read errors as text: no link, autolink, image or markup of their making", async () => {
    const result = await analysePcap([DGA]);
    result.warnings.push(...HOSTILE_TEXT);
    result.errors.push(new NetreportError("EPCAP_TRUNCATED", HOSTILE_TEXT[0]!, { where: HOSTILE_TEXT[1]! }));
    const report = composePcapReport(result);
    const prose = report.sections.flatMap((s) => (s.kind === "prose" ? [markdownToHtml(s.markdown)] : []));
    expect(prose).toHaveLength(2); // partial analysis, appendix
    for (const html of prose) expect(dataMadeElements(html)).toEqual([]);
    const text = visibleText(prose.join("\n"));
    for (const w of HOSTILE_TEXT) expect(text).toContain(oneLine(w));
    // The appendix's own markdown still renders: the thresholds table and its code spans.
    expect(prose[1]).toMatch(/<td><code>ttlSpread<\/code><\/td>/);
  });

  it("renders the world map with countries and one circle per located place", async () => {
    const result = await analysePcap([DGA], { locator: await locator() });
    const eps = result.datasets.find((d) => d.kind === "pcapEndpoints")!;
    const points = mapPoints(eps.rows);
    expect(points.map((p) => p.place).sort()).toEqual(["Boxford, United Kingdom", "Melbourne, Australia"]);
    const svg = await renderVegaLite(worldMapSpec(loadWorldTopology(), points));
    const shapeGroup = /class="mark-shape[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? "";
    const shapes = shapeGroup.match(/<path/g) ?? [];
    expect(shapes.length).toBeGreaterThan(150); // countries-110m has 177 countries
    const circles = svg.match(/aria-roledescription="circle"/g) ?? [];
    expect(circles.length).toBe(2);
  });

  it("exports located endpoints as KML", async () => {
    const result = await analysePcap([DGA], { locator: await locator() });
    const { kml } = composePcapKml(result, "<Foudre & co>");
    expect(kml).toContain("<name>&lt;Foudre &amp; co&gt;</name>");
    expect(kml).toContain("<name>185.56.137.138</name>");
    expect(kml).toMatch(/144\.9669,-37\.8159/);
  });
});
