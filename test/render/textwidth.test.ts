import { describe, expect, it } from "vitest";
import { barChart } from "../../src/render/charts.js";
import { estimateTextWidth, vegaTextWidth } from "../../src/render/textwidth.js";
import { renderVegaLite } from "../../src/render/vega.js";

describe("estimateTextWidth", () => {
  it("gives CJK 1 em per character and Latin less", () => {
    expect(estimateTextWidth("中文报告", 10)).toBe(40);
    expect(estimateTextWidth("한국어", 10)).toBe(30);
    expect(estimateTextWidth("iiii", 10)).toBeLessThan(estimateTextWidth("MMMM", 10));
    expect(estimateTextWidth("abc", 10, true)).toBeGreaterThan(estimateTextWidth("abc", 10));
  });

  it("caps at the item's limit and reads vega's item fields", () => {
    expect(vegaTextWidth({ fontSize: 10, limit: 25 }, "中文报告")).toBe(25);
    expect(vegaTextWidth({ fontSize: 10, fontWeight: "bold" }, "中")).toBeCloseTo(10.5);
    expect(vegaTextWidth({}, "中")).toBe(11);
    expect(vegaTextWidth({ fontSize: 10 }, null)).toBe(0);
  });

  it("keeps long CJK axis labels clear of the axis title", async () => {
    const label = "核心交换机网关路由器上海"; // 12 characters at 11 px ≈ 132 px
    const svg = await renderVegaLite(barChart({ x: "h", y: "v", horizontal: true }), { values: [{ h: label, v: 1 }] });
    // The category axis title is the rotated one, left of the labels.
    const title = /<g class="mark-text role-axis-title"[^>]*><text[^>]*transform="translate\((-?[\d.]+),[^)]*\) rotate\(-90\)/.exec(svg);
    expect(title).not.toBeNull();
    expect(Number(title![1])).toBeLessThan(-label.length * 11);
  });
});
