/**
 * Report → one self-contained HTML file.
 *
 *   1. words and formats for the report's language and time zone
 *   2. each section → its view (charts and graphs → inline SVG; see sections.ts)
 *   3. layout.hbs with partials and report.css inlined → HTML
 *
 * The page carries a Content-Security-Policy that forbids scripts and every fetch except data:
 * images, so even opened in a browser a hostile string cannot run or call home.
 */
import { loadTemplates, runTemplate, BUILTIN_TEMPLATES } from "./templates.js";
import { sectionViews } from "./sections.js";
import { canonicalLang, wordsFor } from "./i18n.js";
import { pageCss } from "./pageCss.js";
import { formatCell, formatTimeZoneLabel } from "../render/format.js";
import { VERSION } from "../version.js";
import type { PaperSize, Report } from "./types.js";

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Paper size the layout is set for. Default "A4". */
  paper?: PaperSize;
  /** A folder of templates that override the built-in ones (same file names). */
  templatesDir?: string;
}

/** A rendered report: one HTML page that also carries its printed pages' header and footer. */
export interface HtmlReport {
  html: string;
  /** Paper size its `@page` rules are set for. */
  paper: PaperSize;
}

/**
 * Renders a report to one self-contained HTML page. Throws NetreportError `EREPORT_SPEC` when
 * `report.lang` is no BCP 47 language tag (`zh_CN` is read as `zh-CN`).
 */
export async function renderHtml(report: Report, opts: HtmlOptions = {}): Promise<HtmlReport> {
  // 1. language, words, time
  const lang = canonicalLang(report.lang ?? "en");
  const words = wordsFor(lang);
  const timeZone = report.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const generatedIso = report.generatedAt ?? new Date().toISOString();
  const generatedAt = `${formatCell(generatedIso, "timestamp", { locale: lang, timeZone })} ${formatTimeZoneLabel(timeZone, generatedIso)}`;
  // 2. sections
  const templates = await loadTemplates(opts.templatesDir ?? BUILTIN_TEMPLATES);
  const sections = await sectionViews(report.sections, { locale: lang, timeZone, words });
  // 3. layout
  const tool = `netreport ${VERSION}`;
  const paper = opts.paper ?? "A4";
  const context = {
    lang,
    words,
    tool,
    paper,
    title: report.title,
    subtitle: report.subtitle ?? null,
    scope: report.scope ?? null,
    author: report.author ?? null,
    generatedAt,
    metadata: Object.entries(report.metadata ?? {}).map(([key, value]) => ({ key, value })),
    toc: sections.filter((s) => s.title).map((s) => ({ id: s.id, number: s.number, title: s.title })),
    sections,
    attributions: report.attributions ?? [],
    css: `${pageCss({ title: report.title, generatedAt, tool, paper, words })}\n${templates.css}`,
  };
  return { html: runTemplate(templates.layout, context, "layout.hbs"), paper };
}
