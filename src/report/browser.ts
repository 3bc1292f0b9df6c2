/**
 * The Chromium printer: one headless browser, reused for every PDF and PNG of a batch.
 *
 * Each report page is opened with JavaScript disabled and request interception on: every request
 * that is not a data: URL is aborted (and counted), so a report can neither run code nor reach the
 * network while it is printed. Some fetches bypass interception (Chromium issues `<link
 * rel=prefetch>` from the browser process), so the browser is also given a proxy that is a black
 * hole of our own on loopback: whatever escapes interception ends there, counted, and goes nowhere.
 *
 * Printing cost is Chromium laying the document out, and a long table is laid out once per media
 * and width it is shown at. A PDF page is therefore opened already in print media at the printed
 * content width, so loading lays it out once the way printing wants it, and printing re-uses that
 * instead of laying it out afresh. Pages are kept for the next PDF of the batch (a new page costs
 * a renderer process); a page that failed is closed, never re-used.
 */
import { access, constants } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { NetreportError } from "../errors.js";
import { contentWidthPx, paperHeightPx } from "./pageCss.js";
import type { PaperSize } from "./types.js";
import type { HtmlReport } from "./html.js";
import type { Browser, Page } from "puppeteer";

/** Where Chromium is looked for, after `NETREPORT_CHROMIUM` and `PUPPETEER_EXECUTABLE_PATH`. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** Flags for a quiet, offline, root-safe headless Chromium. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-domain-reliability",
  "--disable-features=NetworkPrediction,Translate,OptimizationHints,MediaRouter",
  "--no-first-run",
  "--no-default-browser-check",
  "--font-render-hinting=none",
];

/** Finds a Chromium executable or throws ECHROMIUM_MISSING saying how to get one. */
export async function findChromium(): Promise<string> {
  const explicit = process.env.NETREPORT_CHROMIUM ?? process.env.PUPPETEER_EXECUTABLE_PATH;
  const candidates = explicit ? [explicit] : CHROMIUM_CANDIDATES;
  for (const path of candidates) {
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw new NetreportError("ECHROMIUM_MISSING", "no Chromium executable found for PDF/PNG output", {
    where: candidates.join(", "),
    hint: "install it (Debian: apt-get install chromium) or set NETREPORT_CHROMIUM to its path; HTML output works without it",
  });
}

/** PDF options. */
export interface PdfOptions {
  /**
   * Tagged PDF with a bookmark outline from the headings (accessibility, navigation). Default
   * false: Chromium's tagging makes a 2,000-row table's PDF 13× larger and 50 % slower to print.
   */
  tagged?: boolean;
}

/** Screenshot options. */
export interface ScreenshotOptions {
  /** CSS pixel width of the viewport. Default 900. */
  width?: number;
  /** Device scale factor. Default 2. */
  scale?: number;
  /** Whole page instead of the first screen. Default false. */
  fullPage?: boolean;
}

/** A running Chromium that prints reports. Close it when the batch is done. */
export interface Printer {
  pdf(report: HtmlReport, opts?: PdfOptions): Promise<Buffer>;
  screenshot(html: string, opts?: ScreenshotOptions): Promise<Buffer>;
  /** Requests aborted so far because they were not data: URLs (both layers). */
  readonly blockedRequests: number;
  close(): Promise<void>;
}

/** Options of {@link openPrinter}. */
export interface PrinterOptions {
  /** Chromium to run. Default: {@link findChromium}. */
  executablePath?: string;
  /** Per-page time limit in ms. Default 60000. */
  timeoutMs?: number;
}

/** Print pages kept open between PDFs of a batch (one per report printed at the same time). */
const MAX_IDLE_PAGES = 4;

/** Starts one headless Chromium for a batch of reports. */
export async function openPrinter(opts: PrinterOptions = {}): Promise<Printer> {
  const executablePath = opts.executablePath ?? (await findChromium());
  const timeout = opts.timeoutMs ?? 60_000;
  const { default: puppeteer } = await import("puppeteer");
  let blocked = 0;
  const hole = await blackHole(() => blocked++);
  let browser: Browser;
  try {
    const proxy = [`--proxy-server=http://127.0.0.1:${hole.port}`, "--proxy-bypass-list=<-loopback>"];
    browser = await puppeteer.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...proxy], timeout });
  } catch (e) {
    hole.server.close();
    throw new NetreportError("ECHROMIUM", `Chromium did not start: ${(e as Error).message.split("\n")[0]}`, {
      where: executablePath,
      cause: e,
    });
  }

  /** A new page set up by `setup`, closed again if setting it up fails. */
  async function newPage(setup: (page: Page) => Promise<void>): Promise<Page> {
    const page = await browser.newPage();
    try {
      await setup(page);
      return page;
    } catch (e) {
      await page.close().catch(() => undefined);
      throw e;
    }
  }

  /** Sets `page` up with JavaScript off and every request that is not a data: URL refused. */
  async function isolate(page: Page): Promise<void> {
    page.setDefaultTimeout(timeout);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      if (req.isInterceptResolutionHandled()) return;
      // data: URLs, and about:blank, where a page kept for the next report is parked: no network.
      if (req.url().startsWith("data:") || req.url() === "about:blank") void req.continue();
      else if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
        // A navigation away (a <meta http-equiv=refresh> works with JavaScript off) gets a local
        // 204 No Content, which keeps the page where it is. An aborted navigation instead leaves
        // the frame failing, and printing at that moment fails with it.
        blocked++;
        void req.respond({ status: 204, body: "" });
      } else {
        blocked++;
        void req.abort("blockedbyclient");
      }
    });
  }

  // Idle print pages by paper size, at most MAX_IDLE_PAGES kept. Each is sent to about:blank when
  // put back (off the finished PDF's path), so it holds no report and carries none into the next.
  const idle: { page: Page; paper: PaperSize; blank: Promise<boolean> }[] = [];
  const crashed = new WeakSet<Page>();

  async function printPage(paper: PaperSize): Promise<Page> {
    for (let i = idle.findIndex((p) => p.paper === paper); i >= 0; i = idle.findIndex((p) => p.paper === paper)) {
      const { page, blank } = idle.splice(i, 1)[0]!;
      if ((await blank) && !page.isClosed() && !crashed.has(page)) return page;
      await page.close().catch(() => undefined);
    }
    return newPage(async (page) => {
      await isolate(page);
      // A renderer that crashed between two reports must not print the next one.
      page.once("error", () => crashed.add(page));
      await page.emulateMediaType("print");
      await page.setViewport({ width: contentWidthPx(paper), height: paperHeightPx(paper) });
    });
  }

  function putBack(page: Page, paper: PaperSize): void {
    if (idle.length >= MAX_IDLE_PAGES) {
      void page.close().catch(() => undefined);
      return;
    }
    const blank = page.goto("about:blank", { waitUntil: "load", timeout }).then(
      () => true,
      () => false,
    );
    idle.push({ page, paper, blank });
  }

  async function withPage<T>(what: string, open: () => Promise<Page>, html: string, use: (page: Page) => Promise<T>, keep?: (page: Page) => void): Promise<T> {
    let page: Page | undefined;
    try {
      page = await open();
      await page.setContent(html, { waitUntil: "load", timeout });
      const result = await use(page);
      if (keep) {
        keep(page);
        page = undefined;
      }
      return result;
    } catch (e) {
      if (e instanceof NetreportError) throw e;
      throw new NetreportError("ECHROMIUM", `Chromium failed to ${what}: ${(e as Error).message.split("\n")[0]}`, { cause: e });
    } finally {
      await page?.close().catch(() => undefined);
    }
  }

  return {
    get blockedRequests() {
      return blocked;
    },
    pdf(report, o = {}) {
      const paper = report.paper;
      return withPage("print the PDF", () => printPage(paper), report.html, async (page) => {
        // Page size, margins, header and footer are the report's @page rules (pageCss.ts).
        const pdf = await page.pdf({
          format: paper,
          printBackground: true,
          outline: o.tagged ?? false,
          tagged: o.tagged ?? false,
          timeout,
        });
        return Buffer.from(pdf);
      }, (page) => putBack(page, paper));
    },
    screenshot(html, o = {}) {
      return withPage("take a screenshot", () => newPage(isolate), html, async (page) => {
        await page.setViewport({ width: o.width ?? 900, height: Math.round((o.width ?? 900) * 1.414), deviceScaleFactor: o.scale ?? 2 });
        const png = await page.screenshot({ type: "png", fullPage: o.fullPage ?? false });
        return Buffer.from(png);
      });
    },
    async close() {
      await Promise.all(idle.map((p) => p.blank));
      idle.length = 0;
      await browser.close().catch(() => undefined);
      hole.server.close();
    },
  };
}

/** A loopback listener that counts and drops every connection: the printer's only "proxy". */
async function blackHole(onConnection: () => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    onConnection();
    socket.on("error", () => undefined);
    socket.destroy();
  });
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}
