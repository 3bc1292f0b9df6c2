/**
 * SVG → PNG with sharp (librsvg underneath). Fonts come from fontconfig, so the CJK fonts the
 * theme names (fonts-noto-cjk) render without being embedded.
 */
import { NetreportError } from "../errors.js";

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Rasterising resolution in DPI; 72 keeps the SVG's px size, 144 (default) doubles it. */
  density?: number;
  /** Final width in px (height follows the aspect ratio). Default: the size `density` gives. */
  width?: number;
  /** Colour the image is flattened onto (transparency removed). Default `"white"`. */
  background?: string;
}

type SharpModule = typeof import("sharp");
let sharpModule: Promise<SharpModule> | undefined;

/** sharp, imported on first use (its native binding is heavy) and shared. */
function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import("sharp")
    .then((m) => ((m as unknown as { default?: SharpModule }).default ?? m) as SharpModule)
    .catch((e: unknown) => {
      sharpModule = undefined;
      throw new NetreportError("EIMAGE", `cannot load sharp: ${(e as Error).message}`, { cause: e });
    });
  return sharpModule;
}

/**
 * Rasterises an SVG document to a PNG buffer at `density` DPI (default 144), flattened onto
 * `background` (default white). Throws NetreportError `EIMAGE` when the SVG cannot be read.
 */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Buffer> {
  const density = opts.density ?? 144;
  if (!(density > 0 && density <= 2400)) {
    throw new NetreportError("EIMAGE", `density ${density} DPI is out of range`, { hint: "use 72–600 DPI" });
  }
  const sharp = await loadSharp();
  try {
    let img = sharp(Buffer.from(svg, "utf8"), { density });
    if (opts.width !== undefined) img = img.resize({ width: Math.round(opts.width) });
    return await img.flatten({ background: opts.background ?? "white" }).png().toBuffer();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new NetreportError("EIMAGE", `cannot rasterise SVG: ${msg}`, {
      where: `SVG of ${svg.length} chars starting ${JSON.stringify(svg.slice(0, 40))}`,
      cause: e,
    });
  }
}
