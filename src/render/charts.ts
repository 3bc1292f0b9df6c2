/**
 * Small Vega-Lite spec builders for the charts analyses use most. They return specs without
 * data; pass rows as `renderVegaLite(spec, { values })` or a chart section's dataset.
 */

/** A Vega-Lite spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/** Vega-Lite reads `.` and `[]` in field names as nested access; row keys are flat. */
export function fieldRef(name: string): string {
  return name.replace(/([.[\]\\])/g, "\\$1");
}

function titled(spec: VegaLiteSpec, title: string | undefined): VegaLiteSpec {
  return title === undefined ? spec : { title, ...spec };
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Category field (or the binned/temporal field when `xType` says so). */
  x: string;
  /** Value field (quantitative). */
  y: string;
  title?: string;
  /** Type of the `x` field. Default `"nominal"`, whose bars are sorted by value, largest first. */
  xType?: "nominal" | "ordinal" | "temporal" | "quantitative";
  /** Bars run left to right with categories down the side (good for long names). Default false. */
  horizontal?: boolean;
  /** Field that colours (and stacks) the bars. Default: one colour. */
  color?: string;
  /** Axis titles; default the field names. */
  xTitle?: string;
  yTitle?: string;
}

/** A bar chart: one bar per `x` category, `y` long. */
export function barChart(o: BarChartOptions): VegaLiteSpec {
  const xType = o.xType ?? "nominal";
  const category: Record<string, unknown> = { field: fieldRef(o.x), type: xType, title: o.xTitle ?? o.x };
  if (xType === "nominal") category.sort = o.horizontal ? "-x" : "-y";
  const value = { field: fieldRef(o.y), type: "quantitative", title: o.yTitle ?? o.y };
  const encoding: Record<string, unknown> = o.horizontal ? { y: category, x: value } : { x: category, y: value };
  if (o.color) encoding.color = { field: fieldRef(o.color), type: "nominal" };
  return titled({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", mark: { type: "bar" }, encoding }, o.title);
}

/** Options of {@link timeSeries}. */
export interface TimeSeriesOptions {
  /** Time field: ISO 8601 strings or epoch ms. */
  x: string;
  /** Value field. */
  y: string;
  /** Field naming the series; one coloured line each. */
  series?: string;
  title?: string;
  /** d3 format of the y axis labels, e.g. `"~s"` (SI) or `".0%"`. */
  yFormat?: string;
  yTitle?: string;
}

/** Lines over time, one per series. */
export function timeSeries(o: TimeSeriesOptions): VegaLiteSpec {
  const y: Record<string, unknown> = { field: fieldRef(o.y), type: "quantitative", title: o.yTitle ?? o.y };
  if (o.yFormat) y.axis = { format: o.yFormat };
  const encoding: Record<string, unknown> = { x: { field: fieldRef(o.x), type: "temporal", title: null }, y };
  if (o.series) encoding.color = { field: fieldRef(o.series), type: "nominal" };
  return titled({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", mark: { type: "line", point: false }, encoding }, o.title);
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  x: string;
  y: string;
  /** Quantitative field shown as colour. */
  color: string;
  title?: string;
}

/** A grid of cells (`x` × `y`, both ordinal) coloured by a value. */
export function heatmap(o: HeatmapOptions): VegaLiteSpec {
  return titled(
    {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      mark: { type: "rect" },
      encoding: {
        x: { field: fieldRef(o.x), type: "ordinal", title: o.x },
        y: { field: fieldRef(o.y), type: "ordinal", title: o.y },
        color: { field: fieldRef(o.color), type: "quantitative", title: o.color, scale: { scheme: "blues" } },
      },
    },
    o.title,
  );
}
