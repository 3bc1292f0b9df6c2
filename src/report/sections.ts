/**
 * Section → view: turns each report section into what its Handlebars partial shows. Charts and
 * graphs are rendered to SVG here (Vega-Lite, Graphviz), tables formatted by column type. A
 * section that fails to render becomes an error box naming the section, so one bad chart does
 * not cost the rest of the report.
 */
import { isNetreportError } from "../errors.js";
import { sortFindings, type Finding } from "../dataset/finding.js";
import { NUMERIC_COLUMN_TYPES, type AnyDataset, type Cell, type Column } from "../dataset/types.js";
import { formatCell, formatFigure, formatTimeZoneLabel, parseTime } from "../render/format.js";
import { renderVegaLite } from "../render/vega.js";
import { renderDot } from "../render/graphviz.js";
import { markdownToHtml } from "./markdown.js";
import { sanitizeSvg } from "./sanitize.js";
import { noWrapColumns } from "./tableLayout.js";
import { fill, type Words } from "./i18n.js";
import type { ChartSection, Figure, GraphSection, Section } from "./types.js";

/** Formatting context shared by every section of one report. */
export interface ViewContext {
  locale: string;
  timeZone: string;
  words: Words;
}

/** What every section partial receives. */
export interface SectionView {
  kind: Section["kind"];
  partial: string;
  id: string;
  /** "1", "2", … for titled sections. */
  number: string | null;
  title: string | null;
  pageBreakBefore: boolean;
  /** Set when rendering failed: the message shown instead of the content. */
  error: string | null;
  [k: string]: unknown;
}

function tableView(ds: AnyDataset, keys: string[] | undefined, limit: number | undefined, ctx: ViewContext) {
  const byKey = new Map(ds.columns.map((c) => [c.key as string, c] as const));
  const cols: Column<Record<string, Cell>>[] = keys
    ? keys.map((k) => {
        const c = byKey.get(k);
        if (!c) throw new Error(`dataset "${ds.kind}" has no column "${k}"`);
        return c;
      })
    : ds.columns;
  const shown = (limit === undefined ? ds.rows : ds.rows.slice(0, limit)) as Record<string, Cell>[];
  const opts = { locale: ctx.locale, timeZone: ctx.timeZone };
  // Cells formatted column by column, so the wrap rule can see each column's texts.
  const texts = cols.map((c) => {
    const o = { ...opts, ...(c.unit ? { unit: c.unit } : {}) };
    return shown.map((row) => formatCell(row[c.key] ?? null, c.type, o));
  });
  // A time column's heading names the zone its cells are shown in (the offset at its first time),
  // so "14:03" cannot be read in another zone.
  const isTime = (v: Cell | undefined): v is string | number => (typeof v === "string" || typeof v === "number") && !Number.isNaN(parseTime(v).getTime());
  const zoneOf = (c: Column<Record<string, Cell>>) => {
    const at = shown.find((row) => isTime(row[c.key]))?.[c.key] as string | number | undefined;
    return formatTimeZoneLabel(ctx.timeZone, at ?? 0);
  };
  const units = cols.map((c) => (c.type === "number" && c.unit ? c.unit : c.type === "timestamp" ? zoneOf(c) : null));
  const noWrap = noWrapColumns(cols.map((c, i) => ({ type: c.type, label: units[i] ? `${c.label} (${units[i]})` : c.label, texts: texts[i]! })));
  const cls = cols.map((c, i) => [NUMERIC_COLUMN_TYPES.has(c.type) ? "num" : "", noWrap[i] ? "nw" : ""].filter(Boolean).join(" "));
  return {
    columns: cols.map((c, i) => ({
      label: c.label,
      unit: units[i] ?? null,
      cls: cls[i],
      description: c.description ?? null,
    })),
    rows: shown.map((row, r) =>
      cols.map((c, i) => {
        const v = row[c.key] ?? null;
        const text = texts[i]![r]!;
        // A time in a column too narrow for it breaks between date and time, never at a hyphen.
        const words = c.type === "timestamp" && !noWrap[i] && text.includes(" ") ? text.split(" ") : null;
        return { text, words, cls: cls[i], severity: c.type === "severity" && typeof v === "string" ? v : null };
      }),
    ),
    empty: ds.rows.length === 0,
    truncated: shown.length < ds.rows.length ? fill(ctx.words.rowsShown, { shown: shown.length, total: ds.rows.length }) : null,
    warnings: ds.warnings,
  };
}

function figureView(f: Figure, ctx: ViewContext) {
  // Numbers as formatFigure writes them (an integer figure keeps its unit); text as given.
  const text = typeof f.value === "number" ? formatFigure(f, { locale: ctx.locale, timeZone: ctx.timeZone }) : (f.value ?? "—");
  return { label: f.label, text, tone: f.tone ?? "neutral", note: f.note ?? null };
}

function findingView(f: Finding, ctx: ViewContext) {
  const w = ctx.words;
  return {
    severity: f.severity,
    severityLabel: w[f.severity],
    title: f.title,
    summary: f.summary,
    rule: f.rule,
    recommendation: f.recommendation ?? null,
    evidence: f.evidence.map((e) => ({
      description: e.description,
      facts: [
        ...(e.packets?.length ? [{ label: w.packets, value: e.packets.slice(0, 20).join(", ") + (e.packets.length > 20 ? ` … (+${e.packets.length - 20})` : "") }] : []),
        ...(e.addresses?.length ? [{ label: w.addresses, value: e.addresses.join(", ") }] : []),
        ...(e.ports?.length ? [{ label: w.ports, value: e.ports.join(", ") }] : []),
        ...(e.timestamps?.length
          ? [{ label: w.times, value: e.timestamps.slice(0, 5).map((t) => formatCell(t, "timestamp", { locale: ctx.locale, timeZone: ctx.timeZone })).join(", ") }]
          : []),
        ...Object.entries(e.data ?? {}).map(([label, v]) => ({ label, value: v === null ? "—" : String(v) })),
      ],
    })),
  };
}

/** The sanitised SVG of a chart (its dataset's rows as data) or graph section, as the report shows it. */
export async function sectionSvg(section: ChartSection | GraphSection, locale: string): Promise<string> {
  if (section.kind === "graph") return sanitizeSvg(await renderDot(section.dot, section.engine ?? "dot", locale));
  const values = section.dataset?.rows;
  return sanitizeSvg(await renderVegaLite(section.spec, { ...(values ? { values } : {}), locale }));
}

async function contentOf(section: Section, ctx: ViewContext): Promise<Record<string, unknown>> {
  switch (section.kind) {
    case "prose":
      return { html: markdownToHtml(section.markdown) };
    case "figures":
      return { figures: section.figures.map((f) => figureView(f, ctx)) };
    case "table":
      return { caption: section.caption ?? null, ...tableView(section.dataset, section.columns, section.limit, ctx) };
    case "chart":
    case "graph":
      return { svg: await sectionSvg(section, ctx.locale), caption: section.caption ?? null };
    case "findings": {
      const findings = sortFindings(section.findings).map((f) => findingView(f, ctx));
      return { findings, emptyText: section.emptyText ?? ctx.words.noFindings };
    }
    default: {
      const never: never = section;
      throw new Error(`unknown section kind ${JSON.stringify((never as { kind: unknown }).kind)}`);
    }
  }
}

/** Renders every section to its view, in order; charts and graphs render concurrently. */
export async function sectionViews(sections: readonly Section[], ctx: ViewContext): Promise<SectionView[]> {
  let n = 0;
  const used = new Set<string>();
  return Promise.all(
    sections.map(async (section, i) => {
      const number = section.title ? String(++n) : null;
      let id = section.id ?? `s${i + 1}`;
      while (used.has(id)) id += "-";
      used.add(id);
      const base = {
        kind: section.kind,
        partial: `section-${section.kind}`,
        id,
        number,
        title: section.title ?? null,
        pageBreakBefore: section.pageBreakBefore ?? false,
        error: null as string | null,
      };
      try {
        return { ...base, ...(await contentOf(section, ctx)) };
      } catch (e) {
        const message = isNetreportError(e) ? e.toLine() : (e as Error).message;
        return { ...base, error: `section ${i + 1} (${section.kind}${section.title ? `, "${section.title}"` : ""}) could not be rendered: ${message}` };
      }
    }),
  );
}
