/**
 * DOT → SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm): no `dot` process is run.
 *
 * The wasm module is loaded once per process, on first use, and reused.
 */
import { NetreportError } from "../errors.js";
import { fontFamilyFor } from "./theme.js";
import { checkRawAttributes, dotTokens } from "./dotSource.js";

/**
 * The font Graphviz sizes labels with. Graphviz in wasm has no font files: it estimates text
 * width from built-in metrics of a few families and treats unknown names (such as Noto Sans CJK
 * SC) as Times, which gives CJK 0.75 em per character and lets labels overflow their boxes.
 * DejaVu Sans metrics give CJK about 0.95 em and Latin slightly wide, so boxes fit; the SVG then
 * names the theme's family list for the report language (see {@link renderDot}).
 */
export const GRAPH_LAYOUT_FONT = "DejaVu Sans";

/** Graphviz layout engines. */
export type GraphvizEngine = "dot" | "neato" | "fdp" | "sfdp" | "circo" | "twopi";

const ENGINES: readonly GraphvizEngine[] = ["dot", "neato", "fdp", "sfdp", "circo", "twopi"];

/** The part of @hpcc-js/wasm's Graphviz we use (its bundled typings point at a missing package). */
interface GraphvizInstance {
  layout(dot: string, format: string, engine: string): string;
  version(): string;
}

let graphviz: Promise<GraphvizInstance> | undefined;

/** The shared Graphviz instance, loaded on first call. */
export function loadGraphviz(): Promise<GraphvizInstance> {
  graphviz ??= (async () => {
    const mod = (await import("@hpcc-js/wasm/graphviz")) as unknown as { Graphviz: { load(): Promise<GraphvizInstance> } };
    return mod.Graphviz.load();
  })().catch((e: unknown) => {
    graphviz = undefined;
    throw new NetreportError("EGRAPH", `cannot load Graphviz (@hpcc-js/wasm): ${(e as Error).message}`, { cause: e });
  });
  return graphviz;
}

/**
 * Where the graph body of `dot` opens: the first `{` outside comments and strings, or -1.
 * Skips `//` and `#` line comments, block comments, quoted strings and `<…>` HTML strings.
 */
export function bodyStart(dot: string): number {
  for (const t of dotTokens(dot)) if (t.kind === "punct" && t.text === "{") return t.offset;
  return -1;
}

/**
 * Adds `fontname` defaults for graph, nodes and edges right after the opening `{` (default
 * {@link GRAPH_LAYOUT_FONT}); the source's own `node [fontname=…]` statements come later and win.
 */
export function withFontDefaults(dot: string, font = GRAPH_LAYOUT_FONT): string {
  const at = bodyStart(dot);
  if (at < 0) return dot;
  const f = JSON.stringify(font);
  return `${dot.slice(0, at + 1)} graph [fontname=${f}]; node [fontname=${f}]; edge [fontname=${f}];${dot.slice(at + 1)}`;
}

/**
 * Lays out `dot` with `engine` (default `"dot"`) and returns the SVG document as a string.
 * Text without a `fontname` of its own is sized with {@link GRAPH_LAYOUT_FONT} metrics and
 * drawn with the theme's CJK-capable family list for `locale` (see fontFamilyFor: Noto Sans CJK
 * SC first, or the face of a Traditional Chinese, Japanese or Korean reader). Throws
 * NetreportError `EGRAPH` with Graphviz's message when the source does not parse or the
 * layout fails, and before the layout when a value Graphviz would copy into the SVG unescaped
 * (`fontname`, `labelfontname`, `stylesheet`, `<FONT FACE>`) holds `"`, `<`, `>` or `&`.
 */
export async function renderDot(dot: string, engine: GraphvizEngine = "dot", locale?: string): Promise<string> {
  if (!ENGINES.includes(engine)) {
    throw new NetreportError("EGRAPH", `unknown Graphviz engine ${JSON.stringify(engine)}`, { hint: `use one of ${ENGINES.join(", ")}` });
  }
  checkRawAttributes(dot);
  const gv = await loadGraphviz();
  let svg: string;
  try {
    svg = gv.layout(withFontDefaults(dot), "svg", engine);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new NetreportError("EGRAPH", `Graphviz (${engine}) failed: ${msg}`, {
      where: `DOT source, ${dot.length} chars: ${JSON.stringify(dot.slice(0, 60))}…`,
      hint: "build DOT with toDot() so every id and label is quoted and escaped",
      cause: e,
    });
  }
  // Graphviz escapes `"` in label text, so this only ever matches its own attributes.
  svg = svg.replaceAll(`font-family="${GRAPH_LAYOUT_FONT}"`, `font-family="${fontFamilyFor(locale).replaceAll('"', "'")}"`);
  if (!svg.includes("<svg")) {
    throw new NetreportError("EGRAPH", `Graphviz (${engine}) produced no SVG`, { hint: "check the DOT source for an empty graph" });
  }
  return svg;
}
