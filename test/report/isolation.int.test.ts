/**
 * A printed report can neither fetch nor run anything: a test HTTP server on loopback counts
 * every TCP connection while reports that reference it through every kind of resource are
 * printed, and hostile strings from data come out as text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { existsSync } from "node:fs";
import { openPrinter, type Printer } from "../../src/report/browser.js";
import { renderReport } from "../../src/report/render.js";
import { renderHtml } from "../../src/report/html.js";
import { makeDataset, provenance } from "../../src/dataset/index.js";
import { hasPoppler, pdfPages } from "../helpers/pdf.js";

const ready = existsSync("/usr/bin/chromium") && hasPoppler();
if (!ready) console.warn("SKIPPED report isolation tests: needs /usr/bin/chromium and poppler-utils (run .ci/setup)");

const HOSTILE = ["<script>alert(1)</script>", "</svg><img src=x onerror=alert(2)>", "{{x}}", '"];x->y', "مرحبا بالعالم", "你好，世界"];

describe.skipIf(!ready)("report isolation", () => {
  let server: Server;
  let base: string;
  let connections = 0;
  let requests: string[] = [];
  let printer: Printer;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      res.setHeader("content-type", req.url?.endsWith(".css") ? "text/css" : "image/png");
      res.end("body{background:red}");
    });
    server.on("connection", (s: Socket) => {
      connections++;
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    printer = await openPrinter();
  });
  afterAll(async () => {
    await printer.close();
    await new Promise((r) => server.close(r));
  });

  it("the test server does answer a plain request (so a zero below means something)", async () => {
    const before = connections;
    const res = await fetch(`${base}/probe.png`);
    expect(res.status).toBe(200);
    await res.text();
    expect(connections).toBe(before + 1);
    connections = 0;
    requests = [];
  });

  it("makes zero requests for images, CSS, iframes, prefetch, fonts, media or scripts in the page", async () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="${base}/style.css">
      <link rel="prefetch" href="${base}/prefetch">
      <link rel="preload" as="image" href="${base}/preload.png">
      <link rel="preconnect" href="${base}">
      <link rel="icon" href="${base}/favicon.ico">
      <style>@import url("${base}/import.css"); @font-face { font-family: X; src: url("${base}/font.woff2"); }
        body { background: url("${base}/bg.png"); font-family: X; }</style>
      <script src="${base}/script.js"></script>
      </head><body>
      <h1>isolation</h1>
      <img src="${base}/img.png"><img srcset="${base}/srcset.png 2x">
      <iframe src="${base}/frame.html"></iframe>
      <object data="${base}/object"></object><embed src="${base}/embed">
      <video poster="${base}/poster.png" src="${base}/video.mp4"></video><audio src="${base}/audio.mp3"></audio>
      <svg><image href="${base}/svgimage.png" width="10" height="10"/></svg>
      <form action="${base}/form"><input type="image" src="${base}/input.png"></form>
      <meta http-equiv="refresh" content="0;url=${base}/refresh">
      <script>fetch("${base}/fetch"); new Image().src = "${base}/js-image";</script>
      </body></html>`;
    const pdf = await printer.pdf({ html, paper: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await new Promise((r) => setTimeout(r, 500)); // let any late connection arrive
    expect(requests).toEqual([]);
    expect(connections).toBe(0);
    expect(printer.blockedRequests).toBeGreaterThan(3);
  });

  it("a report whose prose and data reference the server renders without contacting it", async () => {
    const ds = makeDataset({
      kind: "urls",
      schemaVersion: 1,
      title: "URLs",
      columns: [{ key: "url", label: "URL", type: "text" }],
      rows: [{ url: `<img src="${base}/from-table.png">` }, { url: `${base}/plain-link` }],
      provenance: provenance("test", {}),
    });
    const r = await renderReport(
      {
        title: "References",
        sections: [
          { kind: "prose", title: "Prose", markdown: `![x](${base}/md-image.png)\n\n<img src="${base}/raw-html.png">\n\n<iframe src="${base}/md-frame"></iframe>` },
          { kind: "table", title: "Table", dataset: ds },
          { kind: "graph", title: "Graph", dot: `digraph { a [URL="${base}/dot-url", image="${base}/dot-image.png"]; a -> b; }` },
        ],
      },
      { printer },
    );
    requests = [];
    connections = 0;
    await r.pdf();
    await r.png();
    expect(r.html).not.toContain(`src="${base}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(requests).toEqual([]);
    expect(connections).toBe(0);
  });

  it("hostile strings in data come out as text in HTML and PDF, never as markup", async () => {
    const ds = makeDataset({
      kind: "hostile",
      schemaVersion: 1,
      title: "Hostile {{title}}",
      columns: [{ key: "v", label: "<b>Value</b>", type: "text" }],
      rows: HOSTILE.map((v) => ({ v })),
      provenance: provenance("test", {}),
    });
    const report = {
      title: "Hostile <script>document.title='x'</script>",
      metadata: { "{{key}}": "</dd><script>alert(3)</script>" },
      sections: [
        { kind: "table" as const, title: "Data </h2><script>alert(4)</script>", dataset: ds },
        {
          kind: "findings" as const,
          title: "Findings",
          findings: [{ rule: "r", severity: "high" as const, title: HOSTILE[0]!, summary: HOSTILE[1]!, evidence: [{ description: HOSTILE[2]!, addresses: [HOSTILE[3]!] }] }],
        },
      ],
    };
    const { html } = await renderHtml(report);
    expect(html).not.toMatch(/<script|onerror=|<img src=x/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("{{x}}"); // data is never evaluated as a template
    expect(html).toContain("&lt;b&gt;Value&lt;/b&gt;");
    const r = await renderReport(report, { printer });
    const text = pdfPages(await r.pdf()).join("\n");
    for (const s of ["<script>alert(1)</script>", "{{x}}", '"];x->y', "你好，世界", "<b>Value</b>"]) expect(text).toContain(s);
    expect(text).toMatch(/مرحبا|ابحرم/); // RTL text present (pdftotext may emit it in visual order)
  });
});
