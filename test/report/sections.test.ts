/** Section views: what the figure tiles show. */
import { describe, expect, it } from "vitest";
import { sectionViews } from "../../src/report/sections.js";
import { wordsFor } from "../../src/report/i18n.js";
import type { Figure } from "../../src/report/types.js";

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
