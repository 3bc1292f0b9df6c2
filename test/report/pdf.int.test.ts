/**
 * The report pipeline against real Chromium and poppler: what a reader sees in the PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { makeDataset, provenance, type Column } from "../../src/dataset/index.js";
import { renderReport, closeSharedPrinter } from "../../src/report/render.js";
import { openPrinter, type Printer } from "../../src/report/browser.js";
import type { Report } from "../../src/report/types.js";
import { hasPoppler, pdfPageCount, pdfPages } from "../helpers/pdf.js";

const ready = existsSync("/usr/bin/chromium") && hasPoppler();
if (!ready) console.warn("SKIPPED report PDF tests: needs /usr/bin/chromium and poppler-utils (run .ci/setup)");

interface HostRow { n: number; host: string; name: string; bytes: number }
const columns: Column<HostRow>[] = [
  { key: "n", label: "No.", type: "integer" },
  { key: "host", label: "Host address", type: "ip" },
  { key: "name", label: "主机名称", type: "text" },
  { key: "bytes", label: "Traffic", type: "bytes" },
];
const hosts = (count: number) =>
  makeDataset({
    kind: "hosts",
    schemaVersion: 1,
    title: "Hosts",
    columns,
    rows: Array.from({ length: count }, (_, i) => ({ n: i + 1, host: `198.18.${i >> 8}.${i & 255}`, name: `服务器-${i + 1}`, bytes: i * 1000 })),
    provenance: provenance("test", {}),
  });

function report(rows: number): Report {
  return {
    title: "网络暴露评估 Exposure review",
    scope: "198.18.0.0/15 lab segment",
    generatedAt: "2026-11-23T08:00:00Z",
    timeZone: "UTC",
    sections: [
      { kind: "prose", title: "执行摘要 Summary", markdown: "本周共扫描 **3** 台主机。" },
      { kind: "figures", title: "Key figures", figures: [{ label: "Open ports", value: 12, tone: "bad" }] },
      { kind: "table", title: "All hosts", dataset: hosts(rows) },
    ],
  };
}

describe.skipIf(!ready)("PDF output", () => {
  afterAll(closeSharedPrinter);

  it("shows title, section headings, CJK text and page numbers", async () => {
    const pdf = await (await renderReport(report(10))).pdf();
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = pdfPages(pdf);
    const all = pages.join("\n");
    expect(all).toContain("网络暴露评估 Exposure review");
    expect(all).toContain("198.18.0.0/15 lab segment");
    expect(all).toMatch(/1\s+执行摘要 Summary/);
    expect(all).toMatch(/2\s+Key figures/);
    expect(all).toMatch(/3\s+All hosts/);
    expect(all).toContain("本周共扫描 3 台主机。");
    expect(all).toContain("服务器-10");
    // the cover has no running header or footer; every other page has both, with its number
    expect(pages[0]).not.toMatch(/Page \d+ of/);
    expect(pages.length).toBeGreaterThan(1);
    pages.slice(1).forEach((text, i) => {
      expect(text).toContain(`Page ${i + 2} of ${pages.length}`);
      expect(text).toContain("2026-11-23 08:00:00");
      expect(text.split("\n")[0]).toContain("网络暴露评估 Exposure review");
    });
  });

  it("shows a hostile title in the running header as text, without breaking the page rules", async () => {
    const title = 'Evil "q" \\ </style><script>alert(1)</script> ;} @page { size: 1mm } 网络 /*';
    const pdf = await (await renderReport({ ...report(40), title })).pdf();
    const pages = pdfPages(pdf);
    expect(pages[1]!.split("\n")[0]).toContain(title.replace(/\s+/g, " "));
    expect(pages[1]).toContain(`Page 2 of ${pages.length}`);
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
    expect(Math.abs(Number(box![1]) - 595.28)).toBeLessThan(1); // A4, not the injected 1 mm
  });

  it("breaks a long table across pages with the header row repeated and no row lost", async () => {
    const short = await (await renderReport(report(20))).pdf();
    const long = await (await renderReport(report(1500))).pdf();
    const pages = pdfPages(long);
    // every data row is there exactly once
    const all = pages.join("\n");
    for (const n of [1, 2, 750, 1499, 1500]) expect(all.match(new RegExp(`服务器-${n}\\b`, "g"))).toHaveLength(1);
    // pages after the first table page repeat the header
    const tablePages = pages.filter((p) => /服务器-\d+/.test(p));
    expect(tablePages.length).toBeGreaterThan(20);
    for (const p of tablePages) expect(p).toMatch(/No\.\s+Host address\s+主机名称\s+Traffic/);
    // page count: a full table page holds a fixed number of rows; the extra pages are the extra rows over that
    const rowsPerPage = (tablePages[2]!.match(/服务器-\d+/g) ?? []).length;
    expect(rowsPerPage).toBeGreaterThan(25);
    const expected = pdfPageCount(short) + Math.ceil((1500 - 20) / rowsPerPage);
    expect(Math.abs(pdfPageCount(long) - expected)).toBeLessThanOrEqual(1);
  });

  it("keeps addresses, times and short names whole in a wide table, wrapping only the long texts", async () => {
    interface HttpLike { time: string; client: string; server: string; port: number; host: string; uri: string; ua: string; file: string }
    const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    const rows: HttpLike[] = Array.from({ length: 6 }, (_, i) => ({
      time: `2026-11-2${i}T08:0${i}:0${i}Z`,
      client: `198.18.17.${100 + i}`,
      server: "198.18.16.80",
      port: 8080,
      host: "www.example-very-long-hostname.test",
      uri: `/api/v2/search?q=%E7%BD%91%E7%BB%9C&page=${i}&session=8f2c1e0b7a6d4c3b`,
      ua,
      file: `cap-${i}.pcap`,
    }));
    const ds = makeDataset({
      kind: "httpLike",
      schemaVersion: 1,
      title: "Requests",
      columns: [
        { key: "time", label: "Time", type: "timestamp" },
        { key: "client", label: "Client", type: "ip" },
        { key: "server", label: "Server", type: "ip" },
        { key: "port", label: "Port", type: "port" },
        { key: "host", label: "Host", type: "text" },
        { key: "uri", label: "URI", type: "text" },
        { key: "ua", label: "User agent", type: "text" },
        { key: "file", label: "File", type: "text" },
      ] as Column<HttpLike>[],
      rows,
      provenance: provenance("test", {}),
    });
    const pdf = await (await renderReport({ title: "Wide table", generatedAt: "2026-11-23T08:00:00Z", timeZone: "UTC", sections: [{ kind: "table", title: "Requests", dataset: ds }] })).pdf();
    // pdftotext -layout prints each line of a cell on its own text line: a token the layout broke
    // comes out as two pieces ("198.18" / ".17.100", "2026-" / "11-20").
    const text = pdfPages(pdf).join("\n");
    const tokens = text.split(/\s+/);
    rows.forEach((r, i) => {
      expect(tokens, r.client).toContain(r.client);
      expect(tokens, r.file).toContain(r.file);
      expect(tokens).toContain(`2026-11-2${i}`);
      expect(tokens).toContain(`08:0${i}:0${i}`);
    });
    expect(tokens).toContain("198.18.16.80");
    // and the long texts did wrap: the user agent is on no single line
    expect(text).not.toContain(ua);
  });

  it("prints reports one after another and side by side on kept pages, each PDF only its own report, on its own paper", async () => {
    const printer = await openPrinter();
    try {
      const one = (name: string, paper: "A4" | "Letter") => renderReport({ ...report(30), title: `Report ${name}` }, { paper, printer }).then((r) => r.pdf());
      const first = await one("alpha", "A4");
      const [b, c, d] = await Promise.all([one("bravo", "A4"), one("charlie", "Letter"), one("delta", "A4")]);
      const e = await one("echo", "Letter");
      for (const [name, pdf, width] of [["alpha", first, 595], ["bravo", b, 595], ["charlie", c, 612], ["delta", d, 595], ["echo", e, 612]] as const) {
        const text = pdfPages(pdf).join("\n");
        expect(text.match(/Report (alpha|bravo|charlie|delta|echo)/g)?.every((m) => m === `Report ${name}`), name).toBe(true);
        const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+)/.exec(pdf.toString("latin1"));
        expect(Math.abs(Number(box![1]) - width), name).toBeLessThan(1.5);
      }
    } finally {
      await printer.close();
    }
  });

  it("prints Letter as well as A4", async () => {
    const r = await renderReport(report(5), { paper: "Letter" });
    const pdf = await r.pdf();
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
    expect(box && [Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([612, 792]);
    const a4 = await (await renderReport(report(5))).pdf();
    const boxA4 = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(a4.toString("latin1"));
    expect(Math.abs(Number(boxA4![1]) - 595.28)).toBeLessThan(1);
    expect(Math.abs(Number(boxA4![2]) - 841.89)).toBeLessThan(1);
  });

  it("renders the report's own words in Chinese for lang zh-CN", async () => {
    const pdf = await (await renderReport({ ...report(3), lang: "zh-CN" })).pdf();
    const pages = pdfPages(pdf);
    expect(pages[0]).toContain("目录");
    expect(pages[1]).toContain(`第 2 页，共 ${pages.length} 页`);
  });
});

describe.skipIf(!ready)("PNG output", () => {
  let printer: Printer;
  beforeAll(async () => {
    printer = await openPrinter();
  });
  afterAll(() => printer.close());

  it("screenshots the report page at the requested width and scale", async () => {
    const sharp = (await import("sharp")).default;
    const r = await renderReport(report(5), { printer });
    const png = await r.png({ width: 800, scale: 1 });
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width).toBe(800);
    const stats = await sharp(png).stats();
    // not blank: the cover band and text make dark pixels
    expect(Math.min(...stats.channels.map((c) => c.min))).toBeLessThan(100);
  });
});
