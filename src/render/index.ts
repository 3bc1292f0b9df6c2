/** Renderers: dataset pieces → fragments (SVG, PNG, DOT, KML, formatted text). No I/O. */
export { renderVegaLite, renderVegaSpec, describeSpec, type VegaLiteOptions } from "./vega.js";
export { barChart, timeSeries, heatmap, fieldRef, type VegaLiteSpec, type BarChartOptions, type TimeSeriesOptions, type HeatmapOptions } from "./charts.js";
export { renderDot, withFontDefaults, type GraphvizEngine } from "./graphviz.js";
export { toDot, dotString, dotLabel, type DotAttrs, type DotNode, type DotEdge, type DotCluster, type DotGraph } from "./dot.js";
export { svgToPng, type PngOptions } from "./png.js";
export {
  formatCell,
  formatFigure,
  formatBytes,
  formatDuration,
  formatTimestamp,
  formatTimeZoneLabel,
  MISSING,
  type FormatOptions,
  type FigureValue,
} from "./format.js";
export { toKml, xmlEscape, kmlColor, type KmlDocument, type KmlPlacemark, type KmlLine, type KmlOptions } from "./kml.js";
export { FONT_FAMILY, GRAPH_FONT, PALETTE, SEVERITY_COLORS, FONT_SIZE, fontFamilyFor, vegaLiteConfig, vegaLiteConfigFor } from "./theme.js";
export { numberLocale, timeLocale } from "./locale.js";
export { datasetsToXlsx, type XlsxOptions } from "./xlsx.js";
