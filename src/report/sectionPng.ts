/**
 * PNG of one chart or graph section, without a browser: the section's SVG (as the report shows
 * it) rasterised by sharp. For slides, tickets and chat messages that want the picture alone.
 */
import { NetreportError } from "../errors.js";
import { svgToPng, type PngOptions } from "../render/png.js";
import { sectionSvg } from "./sections.js";
import { canonicalLang } from "./i18n.js";
import type { ChartSection, GraphSection, Report } from "./types.js";

/**
 * Finds a chart or graph section by its id (as in the HTML: `section.id`, else `s<n>`), its
 * 1-based position, or its title.
 * @throws NetreportError EREPORT_SPEC listing the chart and graph sections when none matches.
 */
export function findPictureSection(report: Report, ref: string): ChartSection | GraphSection {
  const pictures = report.sections.map((s, i) => ({ s, id: s.id ?? `s${i + 1}`, n: String(i + 1) })).filter((x) => x.s.kind === "chart" || x.s.kind === "graph");
  const hit = pictures.find((x) => x.id === ref || x.n === ref || x.s.title === ref);
  if (!hit) {
    const have = pictures.map((x) => `${x.id}${x.s.title ? ` ("${x.s.title}")` : ""}`).join(", ") || "none";
    throw new NetreportError("EREPORT_SPEC", `no chart or graph section "${ref}" in report "${report.title}"`, { hint: `chart and graph sections: ${have}` });
  }
  return hit.s as ChartSection | GraphSection;
}

/** Renders one chart or graph section of `report` to PNG (sharp; `density` default 144 DPI). */
export async function sectionPng(report: Report, ref: string, opts: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await sectionSvg(findPictureSection(report, ref), canonicalLang(report.lang ?? "en")), opts);
}
