/** report.lang: checked and canonicalised, so a bad tag is one clear error, not a blank report. */
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { makeDataset, provenance } from "../../src/dataset/create.js";
import { barChart } from "../../src/render/charts.js";
import { renderHtml } from "../../src/report/html.js";
import { canonicalLang, wordsFor } from "../../src/report/i18n.js";
import { sectionPng } from "../../src/report/sectionPng.js";
import { parseReport } from "../../src/report/validate.js";
import type { Report } from "../../src/report/types.js";

const ds = makeDataset({
  kind: "t",
  schemaVersion: 1,
  title: "t",
  columns: [
    { key: "host", label: "Host", type: "text" },
    { key: "bytes", label: "Bytes", type: "bytes" },
    { key: "at", label: "Time", type: "timestamp" },
  ],
  rows: [{ host: "网关", bytes: 123456789, at: "2026-11-23T08:00:00Z" }],
  provenance: provenance("test", {}),
});

const report = (lang: string): Report => ({
  title: "t",
  lang,
  timeZone: "UTC",
  sections: [
    { kind: "figures", title: "Figures", figures: [{ label: "Packets", value: 1234567, type: "integer" }] },
    { kind: "table", title: "Table", dataset: ds },
    { kind: "chart", title: "Chart", spec: barChart({ x: "host", y: "bytes" }), dataset: ds },
  ],
});

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("report.lang", () => {
  it("reads zh_CN as zh-CN: Chinese words, every table, figure and chart rendered", async () => {
    const r = parseReport(JSON.stringify(report("zh_CN")));
    expect(r.lang).toBe("zh-CN");
    const { html } = await renderHtml(report("zh_CN"));
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).not.toContain('class="render-error"');
    expect(html).toContain("目录");
    expect(html).toContain("1,234,567");
    expect(html).toContain("2026-11-23 08:00:00");
    expect(html).toMatch(/<svg[\s\S]*网关/);
    expect(parseReport(JSON.stringify(report("EN-latn-us"))).lang).toBe("en-Latn-US");
  });

  it("refuses what is no language tag, naming the value, in report.json and in renderHtml", async () => {
    for (const lang of ["constructor", "__proto__", "en US", "", "zh_CN.UTF-8", "x"]) {
      const e = await refusal(() => parseReport(JSON.stringify(report(lang)), "r.json"));
      expect(isNetreportError(e, "EREPORT_SPEC"), lang).toBe(true);
      expect((e as Error).message).toBe(`unknown language tag ${JSON.stringify(lang)} at .lang`);
      expect(e).toMatchObject({ where: "r.json", hint: "use a BCP 47 language tag such as en, zh-CN or de-DE" });
      // The library API too: a clear error where "constructor" threw a TypeError.
      expect(isNetreportError(await refusal(renderHtml(report(lang))), "EREPORT_SPEC"), lang).toBe(true);
      expect(isNetreportError(await refusal(sectionPng(report(lang), "Chart")), "EREPORT_SPEC"), lang).toBe(true);
    }
  });

  it("looks words up in its own catalogues only", () => {
    for (const lang of ["constructor", "__proto__", "toString", "hasOwnProperty-x", "valueOf"]) expect(wordsFor(lang).contents, lang).toBe("Contents");
    expect(wordsFor("zh-Hans-CN").contents).toBe("目录");
    expect(wordsFor(canonicalLang("zh_cn")).contents).toBe("目录");
  });

  it("gives Chinese in the tag's script: Traditional words for zh-TW, zh-HK, zh-MO and zh-Hant, Simplified for the rest", () => {
    for (const lang of ["zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-CN", canonicalLang("zh_tw")]) {
      expect(wordsFor(lang).contents, lang).toBe("目錄");
      expect(wordsFor(lang).rowsShown, lang).toBe("共 {total} 筆，顯示 {shown} 筆。");
    }
    for (const lang of ["zh", "zh-CN", "zh-SG", "zh-Hans-HK"]) expect(wordsFor(lang).contents, lang).toBe("目录");
  });

  it("renders a zh-TW report in Traditional words, its charts in the TC face", async () => {
    const { html } = await renderHtml(report("zh-TW"));
    expect(html).toContain('<html lang="zh-TW">');
    expect(html).toContain("目錄");
    expect(html).not.toContain("目录");
    expect(html).toContain("font-family=\"&quot;Noto Sans CJK TC&quot;");
    expect(html).not.toContain('class="render-error"');
  });
});
