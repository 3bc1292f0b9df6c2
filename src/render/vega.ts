/**
 * Vega-Lite / Vega → SVG, offline and headless.
 *
 *   Vega-Lite spec ──1 inline data──2 compile (theme)──▶ Vega spec ──3 parse──▶ View ──4 toSVG──▶ SVG
 *
 * vega and vega-lite are ESM with top-level await, so they are imported lazily (never statically,
 * so CommonJS consumers such as tslab can still require our dist) and once per process. The View
 * gets a loader that refuses every fetch: a spec must carry its data inline (callers pass
 * world-atlas TopoJSON as values), so rendering never touches the network or the file system.
 * Text is measured with a CJK-aware estimate (textwidth.ts), set once on vega's textMetrics.
 */
import { NetreportError } from "../errors.js";
import { numberLocale, timeLocale } from "./locale.js";
import { vegaTextWidth } from "./textwidth.js";
import { vegaLiteConfigFor } from "./theme.js";

/** Options of {@link renderVegaLite}. */
export interface VegaLiteOptions {
  /** Rows to use as `data.values` when the spec has no `data` of its own. */
  values?: unknown[];
  /** Chart width in px (overrides the spec's). */
  width?: number;
  /** Chart height in px (overrides the spec's). */
  height?: number;
  /** BCP 47 locale for axis numbers and dates, e.g. `"zh-CN"`. Default Vega's (en-US). */
  locale?: string;
}

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

let engines: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

/** vega and vega-lite, imported on first use and shared by all later renders. */
function loadEngines(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  engines ??= Promise.all([import("vega"), import("vega-lite")])
    .then(([vega, vl]) => {
      // Vega supports a user text-width function (vl-convert sets one too); ours knows CJK.
      (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = vegaTextWidth;
      return { vega, vl };
    })
    .catch((e: unknown) => {
      engines = undefined;
      throw new NetreportError("ECHART", `cannot load vega/vega-lite: ${(e as Error).message}`, { cause: e });
    });
  return engines;
}

function refuse(uri: string): Promise<never> {
  return Promise.reject(
    new Error(`netreport renders charts offline and does not load ${JSON.stringify(uri)}; put the data inline (data.values)`),
  );
}

/**
 * A vega loader that loads nothing. `sanitize` never rejects (vega-scenegraph does not catch
 * it for links, so a rejection would surface as an unhandled rejection): links keep only
 * http(s), mailto and fragment URLs, anything else and every image URL become no link at all.
 */
const offlineLoader = {
  load: (uri: string) => refuse(uri),
  http: (uri: string) => refuse(uri),
  file: (uri: string) => refuse(uri),
  sanitize: (uri: string, options: { context?: string }) =>
    Promise.resolve({ href: options?.context === "href" && /^(https?:|mailto:|#)/i.test(String(uri)) ? uri : null }),
};

/** Collects Vega's errors so a failed render throws instead of printing to the console. */
function collectingLogger(): { errors: string[]; logger: object } {
  const errors: string[] = [];
  let level = 1;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: unknown[]) => (errors.push(text(args)), logger),
    // Vega reports a refused data load only as a warning and renders an empty chart: fail instead.
    warn: (...args: unknown[]) => (/^Loading failed/.test(text(args)) && errors.push(text(args)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return { errors, logger };
}

/** "chart 'Top talkers' (bar)" — names a spec in error messages. */
export function describeSpec(spec: Record<string, unknown>): string {
  const t = spec.title;
  const title = typeof t === "string" ? t : Array.isArray(t) ? t.join(" ") : t && typeof t === "object" ? String((t as { text?: unknown }).text ?? "") : "";
  const m = spec.mark;
  const kind =
    typeof m === "string"
      ? m
      : m && typeof m === "object"
        ? String((m as { type?: unknown }).type)
        : (["layer", "hconcat", "vconcat", "concat", "facet", "repeat", "marks"].find((k) => k in spec) ?? "no mark");
  return title ? `chart ${JSON.stringify(title)} (${kind})` : `untitled chart (${kind})`;
}

function chartError(what: string, spec: Record<string, unknown>, e: unknown): NetreportError {
  const msg = e instanceof Error ? e.message : String(e);
  return new NetreportError("ECHART", `${what} failed for ${describeSpec(spec)}: ${msg}`, {
    where: describeSpec(spec),
    hint: "check the spec's fields and encodings; data must be inline (data.values)",
    cause: e,
  });
}

/**
 * Renders a raw Vega spec to an SVG string with the offline loader. `locale` as in
 * {@link VegaLiteOptions}. Throws NetreportError `ECHART`.
 */
export async function renderVegaSpec(vgSpec: Record<string, unknown>, opts: { locale?: string } = {}): Promise<string> {
  const { vega } = await loadEngines();
  const { errors, logger } = collectingLogger();
  let view: InstanceType<VegaModule["View"]> | undefined;
  try {
    const runtime = vega.parse(vgSpec as Parameters<VegaModule["parse"]>[0]);
    view = new vega.View(runtime, {
      renderer: "none",
      loader: offlineLoader as never,
      logger: logger as never,
      logLevel: vega.Warn,
      ...(opts.locale ? { locale: { number: numberLocale(opts.locale), time: timeLocale(opts.locale) } as never } : {}),
    });
    const svg = await view.toSVG();
    if (errors.length) throw new Error(errors.join("; "));
    return svg;
  } catch (e) {
    throw chartError("Vega render", vgSpec, e);
  } finally {
    view?.finalize();
  }
}

/**
 * Renders a Vega-Lite spec to an SVG string (pipeline in the module comment). The theme in
 * `theme.ts` is the base config (its fonts follow `locale`); the spec's own `config` wins. The spec is not modified.
 * Throws NetreportError `ECHART` naming the spec's title and mark on a compile or render error,
 * including a spec that asks to load data from a URL.
 */
export async function renderVegaLite(spec: Record<string, unknown>, opts: VegaLiteOptions = {}): Promise<string> {
  const { vl } = await loadEngines();
  // 1. Inline data and size overrides, on a shallow copy.
  const input: Record<string, unknown> = { ...spec };
  if (opts.values && input.data === undefined) input.data = { values: opts.values };
  if (opts.width !== undefined) input.width = opts.width;
  if (opts.height !== undefined) input.height = opts.height;
  // 2. Compile with the shared theme.
  let vgSpec: Record<string, unknown>;
  try {
    const { logger } = collectingLogger();
    vgSpec = vl.compile(input as never, { config: vegaLiteConfigFor(opts.locale) as never, logger: logger as never }).spec as Record<string, unknown>;
  } catch (e) {
    throw chartError("Vega-Lite compile", spec, e);
  }
  // 3–4. Parse and render; errors still name the Vega-Lite spec the caller knows.
  try {
    return await renderVegaSpec(vgSpec, opts.locale ? { locale: opts.locale } : {});
  } catch (e) {
    throw chartError("Vega render", spec, (e as { cause?: unknown }).cause ?? e);
  }
}
