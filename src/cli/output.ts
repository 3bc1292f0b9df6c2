/**
 * The shared output options of every analysis command and the writer behind them:
 * `--format html,pdf,png,json,csv,xlsx --out <dir> --name <base> --paper A4|Letter`.
 *
 *   report ─┬─ 1. json: datasets + findings → <name>.json (a ResultBundle)
 *           ├─ 2. csv:  each dataset → <name>.<kind>.csv (<kind>-2, … for a kind seen before)
 *           ├─ 3. xlsx: every dataset as a sheet, findings as one more → <name>.xlsx
 *           ├─ 4. html: renderHtml → <name>.html
 *           ├─ 5. pdf:  renderHtml → Chromium print → <name>.pdf
 *           └─ 6. png:  renderHtml → Chromium screenshot (first page) → <name>.png
 *
 * Written in that order whatever the order typed, each format on its own: a missing Chromium or
 * a template error costs its formats, not the JSON of a long scan.
 */
import { mkdir, realpath, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { NetreportError } from "../errors.js";
import { canonicalLang } from "../report/i18n.js";
import { datasetToCsv } from "../dataset/csv.js";
import { makeBundle, toJson } from "../dataset/json.js";
import { isDatasetKind, type AnyDataset } from "../dataset/types.js";
import { refuseInputOverwrite } from "./overwrite.js";
import type { Report, PaperSize } from "../report/types.js";
import type { HtmlOptions } from "../report/html.js";
import type { RenderedReport } from "../report/render.js";
import type { CommandIo } from "./command.js";

/** Output formats a command can write. */
export const OutputFormat = { html: "html", pdf: "pdf", png: "png", json: "json", csv: "csv", xlsx: "xlsx" } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Parsed shared output options. */
export interface OutputOptions {
  formats: OutputFormat[];
  /** Output folder. Default `reports`. */
  outDir: string;
  /** Base file name without extension. */
  name: string;
  paper: PaperSize;
  /** Files the command reads (report description, baseline, captures…); no output may be one of them. Default none. */
  inputs?: string[];
  /** Files the command writes into `outDir` besides the formats' (`<name>.kml`, `<name>.route.svg`). Default none. */
  extraFiles?: string[];
  /** `--lang`, canonical (zh_cn → zh-CN); absent when not given. */
  lang?: string;
}

/** Reads the shared output options from a command's parsed options. */
export function outputOptions(options: Record<string, unknown>, defaultName: string): OutputOptions {
  const raw = options.format;
  const list = (Array.isArray(raw) ? raw.join(",") : String(raw ?? "html")).split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const f of list) {
    if (!Object.hasOwn(OutputFormat, f)) {
      throw new NetreportError("EUSAGE", `unknown output format "${f}"`, { where: "--format", hint: "use html, pdf, png, json, csv or xlsx" });
    }
  }
  const paper = String(options.paper ?? "A4");
  if (paper !== "A4" && paper !== "Letter") {
    throw new NetreportError("EUSAGE", `unknown paper size "${paper}"`, { where: "--paper", hint: "use A4 or Letter" });
  }
  let lang: string | undefined;
  if (options.lang !== undefined) {
    try {
      lang = canonicalLang(String(options.lang), "--lang");
    } catch (e) {
      throw new NetreportError("EUSAGE", `--lang must be a BCP 47 language tag, got ${JSON.stringify(String(options.lang))}`, { where: "--lang", hint: "e.g. en, zh-CN or zh-TW", cause: e });
    }
  }
  return {
    formats: [...new Set(list)] as OutputFormat[],
    outDir: String(options.out ?? "reports"),
    name: String(options.name ?? defaultName),
    paper,
    ...(lang ? { lang } : {}),
  };
}

/**
 * Where the CSV of each dataset goes, in dataset order: `<name>.<kind>.csv`, then `<kind>-2`,
 * `<kind>-3` for more datasets of one kind (case aside, for case-blind file systems). Read
 * datasets have checked kinds; one built in code that is not a name has its other characters
 * replaced, so no kind can lead out of the folder.
 */
function csvPaths(dir: string, name: string, datasets: readonly AnyDataset[]): string[] {
  const taken = new Set<string>();
  return datasets.map((ds) => {
    const kind = isDatasetKind(ds.kind) ? ds.kind : `dataset_${String(ds.kind).replace(/[^A-Za-z0-9_-]/g, "_")}`;
    let file = kind;
    for (let i = 2; taken.has(file.toLowerCase()); i++) file = `${kind}-${i}`;
    taken.add(file.toLowerCase());
    return join(dir, `${name}.${file}.csv`);
  });
}

/**
 * Refuses (EUSAGE, naming both paths) any output of `opts` that is one of `opts.inputs`: the
 * formats' files, `opts.extraFiles`, and each dataset's CSV. Commands call it with `datasets`
 * null before their work (a scan can take hours), where any `<name>.*.csv` in the output folder
 * stands for the CSV files; {@link writeOutputs} calls it again with the datasets before writing.
 */
export async function checkOutputs(opts: OutputOptions, datasets: readonly AnyDataset[] | null = null): Promise<void> {
  if (!opts.inputs?.length) return;
  const dir = resolve(opts.outDir);
  const paths = opts.formats.filter((f) => f !== "csv").map((f) => join(dir, `${opts.name}.${f}`));
  paths.push(...(opts.extraFiles ?? []).map((f) => join(dir, f)));
  let csvLike: ((path: string) => boolean) | undefined;
  if (opts.formats.includes("csv")) {
    if (datasets) paths.push(...csvPaths(dir, opts.name, datasets));
    else {
      const dirs = new Set([dir, await realpath(dir).catch(() => dir)]);
      csvLike = (path) => dirs.has(dirname(path)) && basename(path).startsWith(`${opts.name}.`) && path.endsWith(".csv");
    }
  }
  await refuseInputOverwrite(paths, opts.inputs, csvLike);
}

/** The order formats are written in: data first, so a failed render cannot cost them. */
const WRITE_ORDER: readonly OutputFormat[] = ["json", "csv", "xlsx", "html", "pdf", "png"];

/** One output that could not be written. */
interface Failure {
  format: OutputFormat;
  path: string;
  error: unknown;
}

/**
 * The error that ends a run where outputs failed: one failure keeps its code and hint and says
 * which format and file it cost; several are listed, formats that failed alike together.
 */
function outputsFailed(failures: readonly Failure[]): NetreportError {
  // Formats that failed alike (no Chromium: pdf and png) are told together.
  const alike = new Map<unknown, Failure[]>();
  for (const f of failures) {
    const e = f.error;
    const key = e instanceof NetreportError && e.where !== f.path ? `${e.code}\0${e.message}\0${e.where}` : e;
    alike.set(key, [...(alike.get(key) ?? []), f]);
  }
  const groups = [...alike.values()].map((lost) => {
    const error = lost[0]!.error;
    const e = error instanceof NetreportError ? error : null;
    const files = lost.map((f) => `${f.format} ${f.path}`).join(", ");
    // The cause's own place (a template line), unless it is just the file again.
    const where = e?.where && !lost.some((f) => f.path === e.where) ? e.where : null;
    const message = e ? e.message : `${lost.map((f) => f.format).join(", ")} failed: ${(error as Error)?.message ?? String(error)}`;
    return { error, code: e?.code ?? "EOUTPUT", hint: e?.hint, files, where, message };
  });
  if (groups.length === 1) {
    const g = groups[0]!;
    return new NetreportError(g.code, g.message, { where: `not written: ${g.files}${g.where ? `; ${g.where}` : ""}`, ...(g.hint ? { hint: g.hint } : {}), cause: g.error });
  }
  const codes = new Set(groups.map((g) => g.code));
  const hints = [...new Set(groups.map((g) => g.hint).filter((h): h is string => Boolean(h)))];
  const listed = groups.map((g) => `${g.files}${g.where ? ` (${g.where})` : ""}: ${g.code}: ${g.message}`);
  return new NetreportError(codes.size === 1 ? groups[0]!.code : "EOUTPUT", `${failures.length} outputs not written: ${listed.join("; ")}`, {
    ...(hints.length ? { hint: hints.join("; ") } : {}),
    cause: groups.map((g) => g.error),
  });
}

/**
 * Writes `report` in every requested format, data formats first (json, csv, xlsx), then html,
 * then pdf and png; returns the paths written. A format that fails does not stop the others:
 * every failure is reported at the end, in one error naming each format and file it cost.
 * @param render template options for the HTML (a user templates folder).
 */
export async function writeOutputs(
  report: Report,
  opts: OutputOptions,
  io?: Pick<CommandIo, "stderr">,
  render: Omit<HtmlOptions, "paper"> = {},
): Promise<string[]> {
  const dir = resolve(opts.outDir);
  const datasets = report.datasets ?? [];
  await checkOutputs(opts, datasets);
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new NetreportError("EOUTPUT", `cannot create output folder: ${(e as Error).message}`, { where: dir, cause: e });
  });
  const written: string[] = [];
  const failures: Failure[] = [];
  // Makes and writes one file; a failure in either is recorded against its format and path.
  const put = async (format: OutputFormat, file: string, make: () => string | Uint8Array | Promise<string | Uint8Array>) => {
    const path = resolve(dir, file);
    try {
      const data = await make();
      await writeFile(path, data).catch((e: unknown) => {
        throw new NetreportError("EOUTPUT", `cannot write: ${(e as Error).message}`, { where: path, cause: e });
      });
    } catch (error) {
      failures.push({ format, path, error });
      return;
    }
    written.push(path);
    io?.stderr.write(`wrote ${path}\n`);
  };
  // One HTML rendering for html, pdf and png, made when the first of them is written.
  let rendered: Promise<RenderedReport> | undefined;
  const page = () => (rendered ??= import("../report/render.js").then(({ renderReport }) => renderReport(report, { ...render, paper: opts.paper })));
  for (const format of WRITE_ORDER.filter((f) => opts.formats.includes(f))) {
    switch (format) {
      case "json":
        await put(format, `${opts.name}.json`, () => toJson(makeBundle(datasets, report.findings ?? [])));
        break;
      case "csv":
        for (const [i, path] of csvPaths(dir, opts.name, datasets).entries()) await put(format, path, () => datasetToCsv(datasets[i]!));
        break;
      case "xlsx":
        await put(format, `${opts.name}.xlsx`, async () => (await import("../render/xlsx.js")).datasetsToXlsx(datasets, { findings: report.findings ?? [] }));
        break;
      case "html":
        await put(format, `${opts.name}.html`, async () => (await page()).html);
        break;
      case "pdf":
        await put(format, `${opts.name}.pdf`, async () => (await page()).pdf());
        break;
      case "png":
        await put(format, `${opts.name}.png`, async () => (await page()).png());
        break;
      default: {
        const never: never = format;
        throw new Error(`unhandled format ${String(never)}`);
      }
    }
  }
  if (failures.length) throw outputsFailed(failures);
  return written;
}
