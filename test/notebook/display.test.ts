/**
 * The notebook helpers without a kernel (they return what they would show): setLang changes the
 * words of tables, the CJK face of charts and graphs, and the language of a report without one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setLang, showChart, showGraph, showReport, showTable } from "../../src/notebook/display.js";
import { makeDataset, provenance } from "../../src/dataset/create.js";

const dataset = makeDataset({
  kind: "demo",
  schemaVersion: 1,
  title: "Hosts",
  columns: [
    { key: "host", label: "Host", type: "text" },
    { key: "n", label: "Packets", type: "integer" },
  ],
  rows: Array.from({ length: 30 }, (_, i) => ({ host: `主機-${i}`, n: i })),
  provenance: provenance("demo", {}),
});
const chart = { mark: "bar", encoding: { x: { field: "host", type: "nominal" }, y: { field: "n", type: "quantitative" } } };

afterEach(() => setLang(undefined));

describe("notebook helpers and setLang", () => {
  it("draw charts and graphs in the reader's CJK face, and back in the default after setLang(undefined)", async () => {
    setLang("zh-TW");
    expect(await showChart(chart, dataset)).toContain("Noto Sans CJK TC");
    expect(await showGraph('digraph { a [label="伺服器"]; a -> b }')).toContain("Noto Sans CJK TC");
    setLang("ja");
    expect(await showGraph("digraph { a -> b }")).toContain("Noto Sans CJK JP");
    setLang(undefined);
    expect(await showChart(chart, dataset)).not.toMatch(/Noto Sans CJK (TC|JP)/);
  });

  it("write tables and reports in the language set", async () => {
    expect(await showTable(dataset, { limit: 10 })).toContain("Showing 10 of 30 rows.");
    setLang("zh_TW");
    expect(await showTable(dataset, { limit: 10 })).toContain("共 30 筆，顯示 10 筆。");
    const report = { title: "t", sections: [{ kind: "table" as const, title: "Hosts", dataset, limit: 10 }] };
    expect(await showReport(report)).toContain('lang="zh-TW"');
    // A report's own language wins.
    expect(await showReport({ ...report, lang: "en" })).toContain('lang="en"');
  });

  it("refuses a tag that is no language, keeping the one set", async () => {
    setLang("zh-TW");
    expect(() => setLang("not a language")).toThrow(/unknown language tag "not a language"/);
    expect(await showGraph("digraph { a -> b }")).toContain("Noto Sans CJK TC");
  });
});
