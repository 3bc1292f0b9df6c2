/**
 * The shared look of charts and graphs: a light, print-friendly theme with fonts that cover CJK.
 *
 * Charts (Vega-Lite config) and graphs (Graphviz fontname) use the same families, so a report
 * reads as one document whether it is viewed as HTML, printed to PDF or rasterised by librsvg.
 */

import { cjkFont } from "../lang.js";

/** CSS font-family list for charts: Noto Sans CJK SC first so Chinese text never falls to tofu. */
export const FONT_FAMILY = `"Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif`;

/** Graphviz `fontname` default (one family; fontconfig falls back from there). */
export const GRAPH_FONT = "Noto Sans CJK SC";

/** Categorical palette: ten colours distinguishable in print and by most colour-blind readers. */
export const PALETTE: readonly string[] = [
  "#3366aa", "#ee8833", "#33a02c", "#cc3344", "#8866bb",
  "#886644", "#dd77bb", "#777777", "#aaaa33", "#22aacc",
];

/** Severity colours (critical → info), for findings charts and KML markers. */
export const SEVERITY_COLORS: Readonly<Record<string, string>> = {
  critical: "#7f0000",
  high: "#cc3344",
  medium: "#ee8833",
  low: "#ddbb33",
  info: "#3366aa",
};

/** Font sizes in px. */
export const FONT_SIZE = { title: 15, subtitle: 12, axisTitle: 12, label: 11, legend: 11 } as const;

/** Ink colours. */
export const INK = { text: "#222222", muted: "#555555", grid: "#e4e4e4", domain: "#888888" } as const;

/**
 * The chart font list for a report language: the Noto CJK face its readers expect (TC for zh-TW,
 * HK, JP, KR; see cjkFont) before FONT_FAMILY. No language, or one set in SC, gets FONT_FAMILY.
 */
export function fontFamilyFor(locale: string | undefined): string {
  const face = locale === undefined ? "Noto Sans CJK SC" : cjkFont(locale);
  return face === "Noto Sans CJK SC" ? FONT_FAMILY : `"${face}", ${FONT_FAMILY}`;
}

/** The Vega-Lite `config` every chart is compiled with, in the fonts of `locale`. A spec's own `config` overrides it. */
export function vegaLiteConfigFor(locale: string | undefined): Record<string, unknown> {
  const font = fontFamilyFor(locale);
  return {
    background: "white",
    padding: 8,
    font,
    view: { stroke: null },
    title: { font, fontSize: FONT_SIZE.title, fontWeight: 600, color: INK.text, anchor: "start", offset: 10, subtitleFontSize: FONT_SIZE.subtitle, subtitleColor: INK.muted },
    axis: {
      labelFont: font,
      titleFont: font,
      labelFontSize: FONT_SIZE.label,
      titleFontSize: FONT_SIZE.axisTitle,
      titleFontWeight: 600,
      labelColor: INK.text,
      titleColor: INK.text,
      gridColor: INK.grid,
      domainColor: INK.domain,
      tickColor: INK.domain,
      labelLimit: 220,
    },
    legend: { labelFont: font, titleFont: font, labelFontSize: FONT_SIZE.legend, titleFontSize: FONT_SIZE.legend, labelLimit: 220 },
    header: { labelFont: font, titleFont: font },
    text: { font },
    mark: { color: PALETTE[0] },
    range: { category: [...PALETTE] },
    line: { strokeWidth: 2 },
  };
}

/** The Vega-Lite `config` of charts in the default fonts. */
export const vegaLiteConfig: Record<string, unknown> = vegaLiteConfigFor(undefined);
