/**
 * Report → every output format, sharing one HTML rendering and one Chromium per batch.
 *
 *   report ─→ renderHtml ─→ html ─┬─→ pdf  (Chromium print, JS off, network blocked)
 *                                 └─→ png  (Chromium screenshot of the page, or one chart via sharp)
 */
import { renderHtml, type HtmlOptions, type HtmlReport } from "./html.js";
import { openPrinter, type Printer, type ScreenshotOptions } from "./browser.js";
import type { Report } from "./types.js";

let shared: Promise<Printer> | undefined;

/** The Chromium printer shared by a process's batch, started on first use. */
export function sharedPrinter(): Promise<Printer> {
  if (!shared) {
    shared = openPrinter();
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

/** Closes the shared printer (call at the end of a batch or a CLI run). */
export async function closeSharedPrinter(): Promise<void> {
  const p = shared;
  shared = undefined;
  if (p) await (await p.catch(() => undefined))?.close();
}

/** Options of {@link renderReport}. */
export interface RenderOptions extends HtmlOptions {
  /** Printer to use for PDF/PNG. Default: the shared one. */
  printer?: Printer;
}

/** A report rendered to HTML, with PDF and PNG made on demand from that same HTML. */
export interface RenderedReport extends HtmlReport {
  pdf(): Promise<Buffer>;
  /** PNG of the report page as a reader sees it on screen (first screen unless `fullPage`). */
  png(opts?: ScreenshotOptions): Promise<Buffer>;
}

/** Renders a report; PDF and PNG are produced when asked for. */
export async function renderReport(report: Report, opts: RenderOptions = {}): Promise<RenderedReport> {
  const page = await renderHtml(report, opts);
  const printer = () => (opts.printer ? Promise.resolve(opts.printer) : sharedPrinter());
  return {
    ...page,
    pdf: async () => (await printer()).pdf(page),
    png: async (o) => (await printer()).screenshot(page.html, o),
  };
}
