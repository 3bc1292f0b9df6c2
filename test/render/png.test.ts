import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { barChart } from "../../src/render/charts.js";
import { svgToPng } from "../../src/render/png.js";
import { renderVegaLite } from "../../src/render/vega.js";

/** Count of pixels darker than `threshold` (0..255, mean of RGB) in a PNG. */
async function darkPixels(png: Buffer, threshold = 128): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if ((data[i]! + data[i + 1]! + data[i + 2]!) / 3 < threshold) n++;
  }
  return n;
}

function svgSize(svg: string): [number, number] {
  const m = /<svg\b[^>]*\bwidth="(\d+(?:\.\d+)?)"[^>]*\bheight="(\d+(?:\.\d+)?)"/.exec(svg);
  return [Number(m![1]), Number(m![2])];
}

describe("svgToPng", () => {
  it("rasterises a chart at 2× by default (144 DPI), not blank", async () => {
    const svg = await renderVegaLite(barChart({ x: "k", y: "v", title: "图表" }), { values: [{ k: "a", v: 3 }, { k: "b", v: 5 }] });
    const [w, h] = svgSize(svg);
    const png = await svgToPng(svg);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([Math.round(w * 2), Math.round(h * 2)]);
    const stats = await sharp(png).stats();
    // Mostly white background, but with bars and text: some channel has a real minimum.
    expect(Math.min(...stats.channels.slice(0, 3).map((c) => c.min))).toBeLessThan(100);
    expect(await darkPixels(png)).toBeGreaterThan(200);
  });

  it("scales with density and resizes to a width", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect x="10" y="10" width="80" height="30" fill="#000"/></svg>';
    const at72 = await sharp(await svgToPng(svg, { density: 72 })).metadata();
    expect([at72.width, at72.height]).toEqual([100, 50]);
    const at216 = await sharp(await svgToPng(svg, { density: 216 })).metadata();
    expect([at216.width, at216.height]).toEqual([300, 150]);
    const sized = await sharp(await svgToPng(svg, { width: 400 })).metadata();
    expect([sized.width, sized.height]).toEqual([400, 200]);
  });

  it("flattens transparency onto white by default, or onto the given background", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="3" fill="#000"/></svg>';
    const png = await svgToPng(svg, { density: 72 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([data[0], data[1], data[2]]).toEqual([255, 255, 255]);
    const red = await sharp(await svgToPng(svg, { density: 72, background: "#ff0000" })).raw().toBuffer();
    expect([red[0], red[1], red[2]]).toEqual([255, 0, 0]);
  });

  it("renders CJK-only text (fonts from fontconfig), not blank", async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60"><text x="10" y="40" font-size="32" ' +
      'font-family="&quot;Noto Sans CJK SC&quot;, sans-serif" fill="#000">网络安全报告</text></svg>';
    const png = await svgToPng(svg);
    const dark = await darkPixels(png);
    expect(dark).toBeGreaterThan(500);
    // Six glyphs at 64 px: ink covers a fair share of the text box, not a single tofu outline.
    expect(dark).toBeLessThan(480 * 120 * 0.6);
  });

  it("throws EIMAGE on input that is not SVG", async () => {
    const err = await svgToPng("<svg oops").catch((e: unknown) => e);
    expect(isNetreportError(err, "EIMAGE")).toBe(true);
    await expect(svgToPng("<svg/>", { density: 0 })).rejects.toThrow(/density/);
  });
});
