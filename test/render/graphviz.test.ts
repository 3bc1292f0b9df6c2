import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { toDot, type DotGraph } from "../../src/render/dot.js";
import { bodyStart, renderDot, withFontDefaults } from "../../src/render/graphviz.js";
import { count, elementTexts } from "./svg.js";

const HOSTILE = [
  '"];x->y',
  "</svg><script>alert(1)</script>",
  "{{x}} {{{y}}}",
  "a\\N\\G\\l\\r\\E end\\",
  "&lt;b&gt; &amp; &#60;",
  "مرحبا بالعالم ‮evil‬",
  "中文主机 名称",
  "line1\nline2",
  "<b>html?</b>",
  "}; digraph z { q",
];

describe("renderDot(toDot(...)) with hostile names", () => {
  it("has exactly the declared nodes and edges, and shows every name literally", async () => {
    const graph: DotGraph = {
      directed: true,
      name: "hostile </svg>",
      attrs: { graph: { label: "<script>图</script>" } },
      clusters: [{ id: '"]; cluster_evil', attrs: { label: "zone \\N <i>" }, nodes: [{ id: HOSTILE[0]! }, { id: HOSTILE[1]! }] }],
      nodes: HOSTILE.slice(2).map((id) => ({ id })),
      edges: HOSTILE.slice(1).map((to, i) => ({ from: HOSTILE[i]!, to, attrs: { label: `e${i} ${HOSTILE[i]}` } })),
    };
    const svg = await renderDot(toDot(graph));
    expect(count(svg, /<g id="node\d+" class="node">/g)).toBe(HOSTILE.length);
    expect(count(svg, /<g id="edge\d+" class="edge">/g)).toBe(HOSTILE.length - 1);
    expect(count(svg, /<g id="clust\d+" class="cluster">/g)).toBe(1);
    // No markup escaped from the data: one svg element, no script element.
    expect(count(svg, /<svg\b/g)).toBe(1);
    expect(count(svg, /<\/svg>/g)).toBe(1);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain("&lt;script&gt;");

    const texts = elementTexts(svg);
    // Every node shows its name exactly (the multi-line one as two text lines).
    for (const name of HOSTILE.filter((n) => !n.includes("\n"))) expect(texts).toContain(name);
    expect(texts).toEqual(expect.arrayContaining(["line1", "line2"]));
    for (let i = 0; i < HOSTILE.length - 1; i++) {
      const label = `e${i} ${HOSTILE[i]}`;
      if (!label.includes("\n")) expect(texts).toContain(label);
    }
    expect(texts).toContain("zone \\N <i>");
    expect(texts).toContain("<script>图</script>");
    // CJK labels get the CJK font.
    expect(svg).toMatch(/font-family="'Noto Sans CJK SC', [^"]*"[^>]*>中文主机 名称</);
    expect(svg).not.toContain("DejaVu Sans\"");
  });

  it("draws labels in the CJK face of the locale's readers", async () => {
    const dot = toDot({ directed: true, nodes: [{ id: "閘道" }, { id: "伺服器" }], edges: [{ from: "閘道", to: "伺服器" }] });
    const faces = async (locale?: string) => [...new Set([...(await renderDot(dot, "dot", locale)).matchAll(/font-family="'([^']*)'/g)].map((m) => m[1]))];
    expect(await faces("zh-TW")).toEqual(["Noto Sans CJK TC"]);
    expect(await faces("zh-HK")).toEqual(["Noto Sans CJK HK"]);
    expect(await faces("zh-CN")).toEqual(["Noto Sans CJK SC"]);
    expect(await faces()).toEqual(["Noto Sans CJK SC"]);
  });

  it("works with every engine", async () => {
    const dot = toDot({ directed: false, nodes: [{ id: "a" }, { id: "b" }, { id: "c" }], edges: [{ from: "a", to: "b" }, { from: "b", to: "c" }] });
    for (const engine of ["dot", "neato", "fdp", "sfdp", "circo", "twopi"] as const) {
      const svg = await renderDot(dot, engine);
      expect(count(svg, /class="node"/g), engine).toBe(3);
      expect(count(svg, /class="edge"/g), engine).toBe(2);
    }
  });
});

describe("links", () => {
  it("keeps entity-encoded schemes literal and query strings intact", async () => {
    const svg = await renderDot(
      toDot({
        directed: true,
        nodes: [
          { id: "a", attrs: { URL: "javascript&#58;alert(1)" } },
          { id: "b", attrs: { URL: "https://example.org/?a=1&b=2" } },
        ],
        edges: [],
      }),
    );
    const hrefs = [...svg.matchAll(/xlink:href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs).toContain("javascript&amp;#58;alert(1)");
    expect(hrefs).toContain("https://example.org/?a=1&amp;b=2");
  });
});

describe("renderDot errors", () => {
  it("throws EGRAPH with Graphviz's message and keeps working afterwards", async () => {
    const err = await renderDot("digraph { a -> }").catch((e: unknown) => e);
    expect(isNetreportError(err, "EGRAPH")).toBe(true);
    expect((err as Error).message).toMatch(/syntax error in line 1/);
    const svg = await renderDot('digraph { "ok" }');
    expect(elementTexts(svg)).toContain("ok");
  });

  it("rejects an unknown engine", async () => {
    await expect(renderDot("digraph {}", "osage" as never)).rejects.toThrow(/unknown Graphviz engine/);
  });
});

describe("values Graphviz copies into the SVG unescaped", () => {
  it("refuses markup in fontname, labelfontname, stylesheet and <FONT FACE>, however the DOT spells them", async () => {
    // [DOT, attribute named in the error, the value Graphviz would have copied]
    const cases: [string, string, string][] = [
      [String.raw`digraph { a [fontname="x\"/></g></svg><meta http-equiv=\"refresh\">"] }`, "fontname", 'x"/></g></svg><meta http-equiv="refresh">'],
      [String.raw`digraph { node [fontname="a<b"]; a }`, "fontname", "a<b"],
      [String.raw`digraph { a -> b [headlabel=h, "labelfontname"="q\" onload=\"x"] }`, "labelfontname", 'q" onload="x'],
      [String.raw`digraph { "font" + "name" = "A" + "\"<b>"; label=x; a }`, "fontname", 'A"<b>'],
      ['digraph {\n stylesheet="s.css?><b>x</b><?x"; a }', "stylesheet", "s.css?><b>x</b><?x"],
      ['digraph { fontname=<x"y>; a }', "fontname", 'x"y'],
      ['digraph { a [fontname="A&amp;B"] }', "fontname", "A&amp;B"],
      ["digraph { a [label=<<FONT COLOR='red' face='x&quot;/&gt;'>t</FONT>>] }", "<FONT FACE>", "x&quot;/&gt;"],
    ];
    for (const [dot, attribute, value] of cases) {
      const err = await renderDot(dot).catch((e: unknown) => e);
      expect(isNetreportError(err, "EGRAPH"), dot).toBe(true);
      expect((err as Error).message, dot).toBe(`${attribute} ${JSON.stringify(value)} holds characters Graphviz would copy into the SVG unescaped (" < > & or a control character)`);
    }
    const err = await renderDot("digraph {\n a;\n b [fontname=\"<i>\"] }").catch((e: unknown) => e);
    expect((err as { where: string }).where).toBe("DOT source, line 3");
  });

  it("keeps plain font names, and such characters where Graphviz escapes them", async () => {
    const svg = await renderDot(
      `digraph { a [fontname="Helvetica,Arial,sans-serif", label="fontname=\\"<b>\\""]; b [label=<<FONT FACE="DejaVu Serif">face="&lt;x&gt;"</FONT>>]; c [fontname="Noto Sans CJK SC", label="主机"]; /* fontname="<c>" */ a -> b [labelfontname="DejaVu Sans Mono", headlabel="h"] }`,
    );
    expect(svg).toContain('font-family="Helvetica,Arial,sans-serif"');
    expect(svg).toContain('font-family="Noto Sans CJK SC"');
    expect(svg).toContain('font-family="DejaVu Serif"');
    expect(svg).toContain('font-family="DejaVu Sans Mono"');
    expect(elementTexts(svg).sort()).toEqual(['fontname="<b>"', 'face="<x>"', "h", "主机"].sort());
  });
});

describe("font defaults", () => {
  it("finds the body brace after comments and quoted names", () => {
    const src = '/* { */ // {\n# {\ndigraph "a{b" { x }';
    expect(bodyStart(src)).toBe(src.lastIndexOf("{ x"));
    expect(withFontDefaults(src, "F")).toContain('{ graph [fontname="F"]; node [fontname="F"]; edge [fontname="F"]; x }');
    expect(bodyStart("no body")).toBe(-1);
  });

  it("sizes CJK labels so they fit their boxes (about 1 em per character)", async () => {
    const svg = await renderDot('digraph { node [shape=box, margin=0, fontsize=10]; "x" [label="中中中中中中中中中中中中中中中中中中中中"] }');
    const xs = /<polygon fill="none"[^>]*points="([^"]*)"/.exec(svg)![1]!.split(" ").map((p) => Number(p.split(",")[0]));
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThanOrEqual(20 * 10 * 0.9);
  });

  it("lets the source's own fontname win", async () => {
    const svg = await renderDot('digraph { node [fontname="DejaVu Serif"]; a }');
    expect(svg).toMatch(/font-family="DejaVu Serif/);
  });
});
