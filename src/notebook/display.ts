/**
 * Rich display in Jupyter through the tslab kernel — the only module that touches tslab.
 *
 * One primitive, {@link raw} (a MIME type and its data, as tslab's `display.raw`), behind typed
 * helpers: a dataset as a table, a Vega-Lite chart or a DOT graph as inline SVG, findings, and a
 * whole report in a sandboxed frame. Outside a kernel the helpers return the content instead of
 * failing, so the same notebook code runs headless.
 */
import type { AnyDataset } from "../dataset/types.js";
import type { Finding } from "../dataset/finding.js";
import type { Report, Section } from "../report/types.js";
import { renderHtml } from "../report/html.js";
import { escapeHtml } from "../report/markdown.js";
import { canonicalLang } from "../report/i18n.js";

interface TslabDisplay {
  raw(mime: string, data: string | Uint8Array): void;
}

let tslabDisplay: Promise<TslabDisplay | null> | undefined;

/** tslab's display when running inside its kernel, else null. */
function kernelDisplay(): Promise<TslabDisplay | null> {
  tslabDisplay ??= import("tslab").then(
    (m) => {
      const display = ((m as { display?: TslabDisplay }).display ?? (m as { default?: { display?: TslabDisplay } }).default?.display) as TslabDisplay | undefined;
      return display ?? null;
    },
    () => null,
  );
  return tslabDisplay;
}

/**
 * Shows `data` as `mime` in the current cell. Returns true when a kernel showed it, false when
 * there is no kernel (headless runs).
 */
export async function raw(mime: string, data: string | Uint8Array): Promise<boolean> {
  const display = await kernelDisplay();
  if (!display) return false;
  try {
    display.raw(mime, data);
    return true;
  } catch {
    return false; // tslab loaded but not inside a running kernel ("Not ready")
  }
}

/**
 * Shows `data` in the kernel and returns nothing (tslab would print a returned value a second
 * time, as text under the picture); without a kernel returns `content` for the caller to use.
 */
async function show(mime: string, data: string, content: string): Promise<string | undefined> {
  return (await raw(mime, data)) ? undefined : content;
}

let notebookLang: string | undefined;

/**
 * Sets the language of what the helpers below draw from now on: the words of tables and
 * findings, the number and date formats and the CJK face of charts and graphs (Noto Sans CJK TC
 * for "zh-TW", JP for "ja", ...), and of a report that names no language of its own. `undefined`
 * goes back to English. Throws NetreportError EREPORT_SPEC for a tag that is no language.
 */
export function setLang(lang: string | undefined): void {
  notebookLang = lang === undefined ? undefined : canonicalLang(lang, "notebook");
}

async function sectionHtml(section: Section, title: string): Promise<string> {
  const page = await renderHtml({ title, sections: [section], ...(notebookLang ? { lang: notebookLang } : {}) });
  // Keep the report stylesheet and the section body; drop cover and colophon.
  const css = /<style>([\s\S]*?)<\/style>/.exec(page.html)?.[1] ?? "";
  const body = /<main>([\s\S]*?)<\/main>/.exec(page.html)?.[1] ?? "";
  const scoped = css.replace(/(^|\})\s*body\s*\{/g, "$1 .netreport-cell {");
  return `<div class="netreport-cell"><style>${scoped}</style>${body}</div>`;
}

/** Shows a dataset as a formatted table (at most `limit` rows, default 200); headless, returns the HTML. */
export async function showTable(dataset: AnyDataset, opts: { limit?: number; columns?: string[] } = {}): Promise<string | undefined> {
  const html = await sectionHtml(
    { kind: "table", title: dataset.title, dataset, limit: opts.limit ?? 200, ...(opts.columns ? { columns: opts.columns } : {}) },
    dataset.title,
  );
  return show("text/html", html, html);
}

/** Shows a Vega-Lite chart (with the dataset's rows as data) as inline SVG; headless, returns the SVG. */
export async function showChart(spec: Record<string, unknown>, dataset?: AnyDataset): Promise<string | undefined> {
  const { renderVegaLite } = await import("../render/vega.js");
  const svg = await renderVegaLite(spec, { ...(dataset ? { values: dataset.rows } : {}), ...(notebookLang ? { locale: notebookLang } : {}) });
  return show("image/svg+xml", svg, svg);
}

/** Shows a Graphviz graph (DOT source) as inline SVG; headless, returns the SVG. */
export async function showGraph(dot: string, engine: "dot" | "neato" | "fdp" | "sfdp" | "circo" | "twopi" = "dot"): Promise<string | undefined> {
  const { renderDot } = await import("../render/graphviz.js");
  const svg = await renderDot(dot, engine, notebookLang);
  return show("image/svg+xml", svg, svg);
}

/** Shows findings, most urgent first, with their evidence; headless, returns the HTML. */
export async function showFindings(findings: Finding[], title = "Findings"): Promise<string | undefined> {
  const html = await sectionHtml({ kind: "findings", title, findings }, title);
  return show("text/html", html, html);
}

/**
 * Shows a whole report in a sandboxed frame (its styles cannot leak into the notebook, and it can
 * run nothing); headless, returns the report's HTML.
 */
export async function showReport(report: Report, opts: { height?: number } = {}): Promise<string | undefined> {
  const { html } = await renderHtml(report.lang || !notebookLang ? report : { ...report, lang: notebookLang });
  const frame = `<iframe sandbox="" style="width:100%;height:${opts.height ?? 720}px;border:1px solid #d9dee5" srcdoc="${escapeHtml(html)}"></iframe>`;
  return show("text/html", frame, html);
}

/** Shows a PNG (a rendered page or chart). */
export async function showPng(png: Uint8Array): Promise<boolean> {
  return raw("image/png", png);
}
