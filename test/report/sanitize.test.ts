/**
 * SVG sanitising: hostile SVG (Graphviz's own output for hostile DOT, and hand-written SVG)
 * loses everything outside the allowlist, malformed SVG is refused, and legitimate charts and
 * graphs (Vega with CJK text, route graphs) rasterise exactly as before and keep their text.
 */
import sharp from "sharp";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { barChart } from "../../src/render/charts.js";
import { toDot } from "../../src/render/dot.js";
import { loadGraphviz, renderDot, withFontDefaults } from "../../src/render/graphviz.js";
import { renderVegaLite } from "../../src/render/vega.js";
import { renderHtml } from "../../src/report/html.js";
import { sanitizeSvg } from "../../src/report/sanitize.js";
import { parseReport } from "../../src/report/validate.js";
import { elementTexts } from "../render/svg.js";

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';

/** Every element of `svg` as `name attr=value …`, read by a separate XML parse. */
function elements(svg: string): string[] {
  const out: string[] = [];
  const p = new SaxesParser({ xmlns: true });
  p.on("opentag", (t: SaxesTagNS) =>
    out.push([t.local, ...Object.values(t.attributes).filter((a) => a.prefix !== "xmlns" && a.name !== "xmlns").map((a) => `${a.name}=${a.value}`)].join(" ")),
  );
  p.write(svg).close();
  return out;
}

/** Graphviz's SVG for `dot` without renderDot's checks, as an older netreport passed it on. */
async function graphvizSvg(dot: string): Promise<string> {
  return (await loadGraphviz()).layout(withFontDefaults(dot), "svg", "dot");
}

async function pixels(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).flatten({ background: "white" }).raw().toBuffer();
}

function refusal(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("a report.json graph section with markup in raw DOT", () => {
  it("renders no meta refresh and no script; the section shows an error and the rest of the report stays", async () => {
    const dot = String.raw`digraph { a [fontname="x\"/></g></g></svg><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><scr<script></script>ipt>alert(1)</scr<script></script>ipt>"]; a -> b }`;
    const report = parseReport(JSON.stringify({ title: "t", sections: [{ kind: "prose", markdown: "intro" }, { kind: "graph", title: "G", dot }, { kind: "graph", title: "Fine", dot: "digraph { c -> d }" }] }));
    const { html } = await renderHtml(report);
    expect(html).not.toMatch(/<meta http-equiv="refresh"/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).toMatch(/class="render-error">section 2 \(graph, &quot;G&quot;\) could not be rendered: EGRAPH: fontname /);
    expect(elementTexts(html)).toEqual(expect.arrayContaining(["c", "d"]));
    expect(html).toContain("<p>intro</p>");
  });
});

describe("sanitizeSvg on Graphviz's own output for hostile DOT", () => {
  it("refuses the SVG that fontname, labelfontname and <FONT FACE> break out of", async () => {
    for (const dot of [
      String.raw`digraph { a [fontname="x\"/></g></g></svg><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><scr<script></script>ipt>alert(1)</scr<script></script>ipt>"] }`,
      String.raw`digraph { a -> b [headlabel=h, labelfontname="q\" onload=\"alert(1)\" x=\"<script>alert(2)</script>"] }`,
      `digraph { a [label=<<FONT FACE="x&quot;/&gt;&lt;/g&gt;&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;">t</FONT>>] }`,
    ]) {
      const svg = await graphvizSvg(dot);
      expect(svg).toMatch(/<script/); // what reached the report before
      const e = refusal(() => sanitizeSvg(svg));
      expect(isNetreportError(e, "EIMAGE"), dot).toBe(true);
      expect((e as Error).message).toMatch(/^SVG refused: /);
    }
  });

  it("drops an xml-stylesheet instruction whatever it holds", async () => {
    const svg = await graphvizSvg('digraph { stylesheet="s.css"; a }');
    expect(svg).toContain('<?xml-stylesheet href="s.css"');
    const clean = sanitizeSvg(svg);
    expect(clean.startsWith("<svg ")).toBe(true);
    expect(clean).not.toContain("stylesheet");
    const prolog = `<?xml-stylesheet href="a.css" title="<b>x</b> <script>y</script>"?><!DOCTYPE svg><!-- <b>c</b> --><svg ${NS}><text>ok</text></svg>`;
    expect(sanitizeSvg(prolog)).toBe(`<svg ${NS}><text>ok</text></svg>`);
  });
});

describe("sanitizeSvg on hand-written hostile SVG", () => {
  it("keeps only allowlisted SVG elements and attributes", () => {
    const hostile = `<svg ${NS} xmlns:s="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml" width="10" onload="alert(1)">
      <script>alert(2)</script><s:script>alert(3)</s:script><h:meta http-equiv="refresh" content="0;url=https://evil.example/"/>
      <style>@import url(https://evil.example/x.css); text { fill: red }</style>
      <foreignObject><h:div><h:img src="https://evil.example/i.png"/></h:div></foreignObject>
      <svg><text>nested root</text></svg><use href="#t"/><image href="https://evil.example/i.png"/>
      <set attributeName="href" to="javascript:alert(4)"/><animate attributeName="href" values="javascript:alert(5)"/>
      <a href="https://evil.example/" xlink:href="javascript:alert(6)" xlink:title="tip" target="_blank"><text id="t" onclick="alert(7)" ONMOUSEOVER="x">linked</text></a>
      <a href="#t" xlink:href="#t"><text>internal</text></a>
      <defs><linearGradient id="g"><stop offset="0" style="stop-color:red;background:url(https://evil.example/b.png);stop-opacity:1"/></linearGradient></defs>
      <rect fill="url(#g)" stroke="url(https://evil.example/s.svg#p)" filter="url(#f)" mask="url(#m)" clip-path="url( '#g' )"/>
      <rect fill="u\\72l(https://evil.example/e)" style="fill:u\\72l(https://evil.example/e)" cursor="url(https://evil.example/c.cur), auto"/>
      <text>&lt;script&gt; &amp; &#x4e2d;&nbsp;&constructor;</text>
    </svg>`;
    const clean = sanitizeSvg(hostile);
    expect(elements(clean)).toEqual([
      "svg width=10",
      "a xlink:title=tip",
      "text id=t",
      "a href=#t xlink:href=#t",
      "text",
      "defs",
      "linearGradient id=g",
      "stop offset=0 style=stop-color:red;stop-opacity:1",
      "rect fill=url(#g) clip-path=url( '#g' )",
      "rect",
      "text",
    ]);
    expect(clean).not.toMatch(/<script|evil|alert|foreignObject|<style|<meta|<image|<use|<set|<animate/i);
    expect(elementTexts(clean)).toEqual(["linked", "internal", "<script> & 中\uFFFD\uFFFD"]);
  });

  it("refuses SVG that is not well-formed, where a pattern cleaner rebuilt markup", () => {
    for (const svg of [
      `<svg ${NS}><scr<script></script>ipt>alert(1)</scr<script></script>ipt></svg>`,
      `<svg ${NS}><a href=https://evil.example/><text>x</text></a></svg>`,
      `<svg ${NS}><text>a</text></svg><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
      `<svg ${NS}><text font-family="x"/></g></svg>`,
      `<html><svg ${NS}/></html>`,
      "",
    ]) {
      expect(isNetreportError(refusal(() => sanitizeSvg(svg)), "EIMAGE"), svg).toBe(true);
    }
  });
});

describe("sanitizeSvg on legitimate charts and graphs", () => {
  it("keeps a Vega chart's text, quotes in axis labels included, and its pixels", async () => {
    const values = [
      { ua: 'Mozilla/5.0 onload="x', n: 5 },
      { ua: "网关 <b>", n: 3 },
      { ua: "curl/8.5 ' a & b", n: 2 },
    ];
    const svg = await renderVegaLite(barChart({ x: "ua", y: "n", title: "流量最多的主机 Top talkers", yTitle: "请求" }), { values });
    const clean = sanitizeSvg(svg);
    const texts = elementTexts(clean);
    for (const v of values) expect(texts).toContain(v.ua);
    expect(texts).toEqual(expect.arrayContaining(["流量最多的主机 Top talkers", "请求"]));
    expect(clean).toContain("Noto Sans CJK SC");
    expect((await pixels(clean)).equals(await pixels(svg))).toBe(true);
  });

  it("keeps a route graph with hostile names, CJK and clusters: same texts, same pixels", async () => {
    const dot = toDot({
      directed: true,
      attrs: { graph: { rankdir: "LR" } },
      clusters: [{ id: "as64603", attrs: { label: 'AS64603\nGamma 数据 "]; <script>', style: "rounded,filled", fillcolor: "#f8fafc" }, nodes: [{ id: "198.18.67.2", attrs: { label: "198.18.67.2\n上海, CN\n80: SA open", tooltip: "target 198.18.67.2" } }] }],
      nodes: [{ id: "source", attrs: { label: "this host", shape: "box", style: "rounded,filled" } }, { id: "unk", attrs: { label: "unk\nhop 2", style: "dashed", shape: "circle" } }],
      edges: [
        { from: "source", to: "unk", attrs: { color: "#2563eb", tooltip: "to 198.18.67.2" } },
        { from: "unk", to: "198.18.67.2", attrs: { color: "#2563eb", style: "dashed" } },
      ],
    });
    const svg = await renderDot(dot);
    const clean = sanitizeSvg(svg);
    expect(elementTexts(clean)).toEqual(elementTexts(svg));
    expect(elementTexts(clean)).toEqual(expect.arrayContaining(['Gamma 数据 "]; <script>', "上海, CN", "this host"]));
    expect(elements(clean).filter((e) => e.startsWith("g ")).length).toBe(elements(svg).filter((e) => e.startsWith("g ")).length);
    expect((await pixels(clean)).equals(await pixels(svg))).toBe(true);
  });
});
