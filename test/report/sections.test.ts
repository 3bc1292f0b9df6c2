/** Section views: what the figure tiles show. */
import { describe, expect, it } from "vitest";
import { sectionViews } from "../../src/report/sections.js";
import { wordsFor } from "../../src/report/i18n.js";
import type { Figure } from "../../src/report/types.js";
import { makeDataset, provenance } from "../../src/dataset/create.js";

async function tiles(figures: Figure[], locale = "en"): Promise<string[]> {
  const [view] = await sectionViews([{ kind: "figures", figures }], { locale, timeZone: "UTC", words: wordsFor(locale) });
  return (view!.figures as { text: string }[]).map((f) => f.text);
}

describe("figure tiles", () => {
  it("keep the unit of integer figures, typed or defaulted, as formatFigure does", async () => {
    expect(
      await tiles([
        { label: "Hosts", value: 1204, type: "integer", unit: "hosts" },
        { label: "Hops", value: 3, unit: "hops" },
        { label: "Rate", value: 2.345, unit: "pps" },
        { label: "Rate", value: 12, type: "number", unit: "pps" },
        { label: "Bytes", value: 3 * 1024 ** 2, type: "bytes", unit: "ignored" },
        { label: "Plain", value: 7, type: "integer" },
        { label: "Text", value: "n/a", unit: "hosts" },
        { label: "None", value: null, type: "integer", unit: "hosts" },
      ]),
    ).toEqual(["1,204 hosts", "3 hops", "2.35 pps", "12 pps", "3.0 MiB", "7", "n/a", "—"]);
    expect(await tiles([{ label: "主机", value: 1204, type: "integer", unit: "台" }], "zh-CN")).toEqual(["1,204 台"]);
  });
});

describe("table headings", () => {
  const ds = makeDataset({
    kind: "events",
    schemaVersion: 1,
    title: "Events",
    columns: [
      { key: "at", label: "Time", type: "timestamp" },
      { key: "n", label: "Rate", type: "number", unit: "pps" },
      { key: "what", label: "What", type: "text" },
    ],
    rows: [{ at: "2026-07-01T12:00:00Z", n: 3, what: "x" }],
    provenance: provenance("test", {}),
  });
  const view = async (timeZone: string) => {
    const [v] = await sectionViews([{ kind: "table", title: "Events", dataset: ds }], { locale: "en", timeZone, words: wordsFor("en") });
    const t = v as unknown as { columns: { label: string; unit: string | null }[]; rows: { text: string }[][] };
    return { units: t.columns.map((c) => c.unit), first: t.rows[0]![0]!.text };
  };

  it("name the zone a time column is shown in, at the column's first time", async () => {
    expect(await view("UTC")).toEqual({ units: ["UTC", "pps", null], first: "2026-07-01 12:00:00" });
    expect(await view("Asia/Shanghai")).toEqual({ units: ["UTC+08:00", "pps", null], first: "2026-07-01 20:00:00" });
    expect(await view("America/New_York")).toEqual({ units: ["UTC-04:00", "pps", null], first: "2026-07-01 08:00:00" });
  });
});
