import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { barChart, heatmap, timeSeries } from "../../src/render/charts.js";
import sharp from "sharp";
import { svgToPng } from "../../src/render/png.js";
import { renderVegaLite, renderVegaSpec } from "../../src/render/vega.js";
import { count, elementTexts } from "./svg.js";

const rows = [
  { host: "198.18.0.1", bytes: 5200 },
  { host: "198.18.0.2", bytes: 1800 },
  { host: "网关", bytes: 3300 },
  { host: "<script>", bytes: 900 },
];

/** Bars are `path` elements inside the `mark-rect` group. */
function barCount(svg: string): number {
  const group = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg);
  return group ? count(group[1]!, /<path\b/g) : 0;
}

describe("renderVegaLite", () => {
  it("draws one bar per row with axis labels and a CJK title", async () => {
    const spec = barChart({ x: "host", y: "bytes", title: "流量最多的主机 Top talkers", yTitle: "字节" });
    const svg = await renderVegaLite(spec, { values: rows });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(barCount(svg)).toBe(rows.length);
    const texts = elementTexts(svg);
    expect(texts).toContain("流量最多的主机 Top talkers");
    expect(texts).toContain("字节");
    expect(texts).toContain("host");
    for (const r of rows) expect(texts).toContain(r.host);
    expect(texts).toEqual(expect.arrayContaining(["0", "1,000", "5,000"]));
    // Hostile category names stay text.
    expect(svg).not.toMatch(/<script/);
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain("Noto Sans CJK SC");
  });

  it("sorts nominal bars by value, largest first", async () => {
    const svg = await renderVegaLite(barChart({ x: "host", y: "bytes" }), { values: rows });
    const labels = elementTexts(svg).filter((t) => rows.some((r) => r.host === t));
    expect(labels).toEqual(["198.18.0.1", "网关", "198.18.0.2", "<script>"]);
  });

  it("draws horizontal bars and colour legends", async () => {
    const values = rows.map((r, i) => ({ ...r, proto: i % 2 ? "tcp" : "udp" }));
    const svg = await renderVegaLite(barChart({ x: "host", y: "bytes", horizontal: true, color: "proto" }), { values });
    expect(barCount(svg)).toBe(rows.length);
    expect(svg).toMatch(/role-legend/);
    expect(elementTexts(svg)).toEqual(expect.arrayContaining(["tcp", "udp", "proto"]));
  });

  it("honours width/height and keeps the spec's own data over opts.values", async () => {
    const spec = { ...barChart({ x: "host", y: "bytes" }), data: { values: rows.slice(0, 2) } };
    const svg = await renderVegaLite(spec, { values: rows, width: 300, height: 120 });
    expect(barCount(svg)).toBe(2);
    expect(spec).not.toHaveProperty("width");
    // The plot area's background path is exactly width × height.
    expect(svg).toMatch(/<path class="background"[^>]*d="M0,0h300v120h-300Z"/);
  });

  it("draws time series and heat maps", async () => {
    const ts = Array.from({ length: 12 }, (_, i) => ({ t: `2026-03-0${1 + (i % 2)}T${String(i).padStart(2, "0")}:00:00Z`, v: i * 1000, s: i % 2 ? "in" : "out" }));
    const svg = await renderVegaLite(timeSeries({ x: "t", y: "v", series: "s", title: "吞吐量", yFormat: "~s" }), { values: ts });
    expect(count(svg, /<path[^>]*class="[^"]*"[^>]*>/g)).toBeGreaterThan(0);
    expect(count(svg.match(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)?.join("") ?? "", /<path\b/g)).toBe(2);
    expect(elementTexts(svg)).toEqual(expect.arrayContaining(["吞吐量", "in", "out", "10k"]));

    const hm = Array.from({ length: 6 }, (_, i) => ({ hour: i % 3, day: i < 3 ? "Mon" : "Tue", n: i }));
    const svg2 = await renderVegaLite(heatmap({ x: "hour", y: "day", color: "n" }), { values: hm });
    const rects = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg2);
    expect(count(rects?.[1] ?? "", /<path\b/g)).toBe(6);
  });

  it("reads field names with dots as flat keys", async () => {
    const svg = await renderVegaLite(barChart({ x: "src.ip", y: "a[0]" }), { values: [{ "src.ip": "198.18.0.9", "a[0]": 7 }] });
    expect(barCount(svg)).toBe(1);
    expect(elementTexts(svg)).toContain("198.18.0.9");
  });

  it("formats axis numbers in the given locale", async () => {
    const svg = await renderVegaLite(barChart({ x: "host", y: "bytes" }), { values: rows, locale: "de-DE" });
    expect(elementTexts(svg)).toContain("5.000");
    const months = Array.from({ length: 3 }, (_, i) => ({ t: `2026-0${i + 1}-15T00:00:00Z`, v: i }));
    const zh = await renderVegaLite(timeSeries({ x: "t", y: "v" }), { values: months, locale: "zh-CN" });
    expect(elementTexts(zh).some((t) => /月/.test(t))).toBe(true);
  });

  it("draws Han characters as the locale's readers write them when the chart becomes a PNG", async () => {
    // 骨 and 直 are drawn differently in mainland China and in Taiwan; librsvg draws them in the
    // face the SVG names (no `lang` to go by), so the zh-TW and zh-CN pictures must differ, and
    // the zh-CN one must equal the default.
    const spec = { ...barChart({ x: "host", y: "bytes" }), title: "骨直骨直骨直" };
    const png = async (locale?: string) => {
      const { data } = await sharp(await svgToPng(await renderVegaLite(spec, { values: rows, ...(locale ? { locale } : {}) }))).raw().toBuffer({ resolveWithObject: true });
      return data;
    };
    const [tw, cn, plain] = await Promise.all([png("zh-TW"), png("zh-CN"), png()]);
    expect(cn.equals(plain)).toBe(true);
    expect(tw.equals(cn)).toBe(false);
  });

  it("sets chart text in the CJK face of the locale's readers", async () => {
    const spec = { ...barChart({ x: "host", y: "bytes" }), title: "流量" };
    const fonts = (svg: string) => [...new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]!))];
    const tw = fonts(await renderVegaLite(spec, { values: rows, locale: "zh-TW" }));
    expect(tw).toEqual(["&quot;Noto Sans CJK TC&quot;, &quot;Noto Sans CJK SC&quot;, &quot;Noto Sans&quot;, &quot;DejaVu Sans&quot;, sans-serif"]);
    expect(fonts(await renderVegaLite(spec, { values: rows, locale: "zh-CN" }))).toEqual(["&quot;Noto Sans CJK SC&quot;, &quot;Noto Sans&quot;, &quot;DejaVu Sans&quot;, sans-serif"]);
  });
});

describe("maps", () => {
  it("draws world-atlas countries passed inline as TopoJSON values", async () => {
    const topo = createRequire(import.meta.url)("world-atlas/countries-110m.json") as { objects: { countries: { geometries: unknown[] } } };
    const spec = {
      title: "来源国家",
      width: 400,
      height: 200,
      projection: { type: "equalEarth" },
      data: { values: topo, format: { type: "topojson", feature: "countries" } },
      mark: { type: "geoshape", fill: "#dddddd", stroke: "#ffffff" },
    };
    const svg = await renderVegaLite(spec);
    const shapes = /<g class="mark-shape role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg);
    expect(count(shapes?.[1] ?? "", /<path\b/g)).toBe(topo.objects.countries.geometries.length);
    expect(elementTexts(svg)).toContain("来源国家");
  });
});

describe("renderVegaLite errors", () => {
  it("refuses to fetch data and names the chart", async () => {
    const err = await renderVegaLite({ title: "远程", mark: "bar", data: { url: "http://198.18.0.1/x.json" }, encoding: {} }).catch((e: unknown) => e);
    expect(isNetreportError(err, "ECHART")).toBe(true);
    expect((err as Error).message).toMatch(/chart "远程" \(bar\)/);
    expect((err as Error).message).toMatch(/offline/);
    const file = await renderVegaLite({ mark: "point", data: { url: "/etc/passwd", format: { type: "csv" } } }).catch((e: unknown) => e);
    expect(isNetreportError(file, "ECHART")).toBe(true);
    expect((file as Error).message).toMatch(/untitled chart \(point\)/);
  });

  it("links only http(s) hrefs and never loads images", async () => {
    const values = [
      { a: "x", b: 1, u: "javascript:alert(1)" },
      { a: "y", b: 2, u: "https://example.org/" },
    ];
    const svg = await renderVegaLite({ mark: "bar", encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" }, href: { field: "u" } } }, { values });
    expect(svg).toContain('<a xlink:href="https://example.org/">');
    expect(svg).not.toMatch(/href="javascript/);
    const img = await renderVegaLite({ mark: "image", encoding: { x: { field: "a", type: "nominal" }, url: { field: "u" } } }, { values: [{ a: "x", u: "http://198.18.0.1/i.png" }] });
    expect(img).toMatch(/<image[^>]*xlink:href=""/);
  });

  it("reports compile errors as ECHART", async () => {
    const err = await renderVegaLite({ title: { text: "坏" }, mark: { type: "nope" } }).catch((e: unknown) => e);
    expect(isNetreportError(err, "ECHART")).toBe(true);
    expect((err as Error).message).toMatch(/Vega-Lite compile failed for chart "坏" \(nope\)/);
  });

  it("renders raw Vega specs", async () => {
    const svg = await renderVegaSpec({
      width: 50,
      height: 20,
      marks: [{ type: "text", encode: { enter: { text: { value: "原始 Vega" }, x: { value: 5 }, y: { value: 10 } } } }],
    });
    expect(elementTexts(svg)).toContain("原始 Vega");
  });
});
