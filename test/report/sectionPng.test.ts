/** PNG of one chart or graph section of a report (sharp, no browser). */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { makeDataset, provenance } from "../../src/dataset/create.js";
import { barChart } from "../../src/render/charts.js";
import { toDot } from "../../src/render/dot.js";
import { findPictureSection, sectionPng } from "../../src/report/sectionPng.js";
import type { Report } from "../../src/report/types.js";

const ds = makeDataset({
  kind: "t",
  schemaVersion: 1,
  title: "t",
  columns: [
    { key: "k", label: "K", type: "text" },
    { key: "v", label: "V", type: "integer" },
  ],
  rows: [{ k: "甲", v: 3 }, { k: "乙", v: 8 }],
  provenance: provenance("test", {}),
});

const report: Report = {
  title: "r",
  sections: [
    { kind: "prose", title: "Intro", markdown: "x" },
    { kind: "chart", title: "流量", spec: { ...barChart({ x: "k", y: "v" }), width: 300, height: 200 }, dataset: ds },
    { kind: "graph", id: "routes", title: "Routes", dot: toDot({ directed: true, nodes: [], edges: [{ from: "a", to: "路由器" }] }) },
  ],
};

async function inkRatio(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) dark++;
  return dark / (info.width * info.height);
}

describe("sectionPng", () => {
  it("finds sections by id, position and title; says which exist otherwise", () => {
    expect(findPictureSection(report, "routes").kind).toBe("graph");
    expect(findPictureSection(report, "s2").kind).toBe("chart");
    expect(findPictureSection(report, "2").kind).toBe("chart");
    expect(findPictureSection(report, "流量").kind).toBe("chart");
    try {
      findPictureSection(report, "1");
      expect.unreachable();
    } catch (e) {
      expect(isNetreportError(e, "EREPORT_SPEC")).toBe(true);
      expect((e as Error & { hint: string }).hint).toBe('chart and graph sections: s2 ("流量"), routes ("Routes")');
    }
  });

  it("rasterises a chart with its dataset and a graph, at the asked density, not blank", async () => {
    const chart = await sharp(await sectionPng(report, "s2")).metadata();
    const chart2x = await sharp(await sectionPng(report, "s2", { density: 288 })).metadata();
    expect(chart.format).toBe("png");
    expect(chart2x.width).toBe(chart.width! * 2);
    const ink = await inkRatio(await sectionPng(report, "s2"));
    expect(ink).toBeGreaterThan(0.02);
    expect(ink).toBeLessThan(0.6);
    expect(await inkRatio(await sectionPng(report, "routes"))).toBeGreaterThan(0.005);
  });
});
