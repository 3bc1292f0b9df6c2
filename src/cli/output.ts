/**
 * The shared output options of every analysis command and the writer behind them:
 * `--format html,pdf,png,json,csv,xlsx --out <dir> --name <base> --paper A4|Letter`.
 *
 *   report ─┬─ html: renderHtml → <name>.html
 *           ├─ pdf:  renderHtml → Chromium print → <name>.pdf
 *           ├─ png:  renderHtml → Chromium screenshot (first page) → <name>.png
 *           ├─ json: datasets + findings → <name>.json (a ResultBundle)
 *           ├─ csv:  each dataset → <name>.<kind>.csv
 *           └─ xlsx: every dataset as a sheet, findings as one more → <name>.xlsx
 */
import { mkdir, realpath, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { NetreportError } from "../errors.js";
import { datasetToCsv } from "../dataset/csv.js";
import { makeBundle, toJson } from "../dataset/json.js";
import type { AnyDataset } from "../dataset/types.js";
import { refuseInputOverwrite } from "./overwrite.js";
import type { Report, PaperSize } from "../report/types.js";
import type { HtmlOptions } from "../report/html.js";
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
  return {
    formats: [...new Set(list)] as OutputFormat[],
    outDir: String(options.out ?? "reports"),
    name: String(options.name ?? defaultName),
    paper,
  };
}

/** Where the CSV of each dataset goes, in dataset order. */
function csvPaths(dir: string, name: string, datasets: readonly AnyDataset[]): string[] {
  return datasets.map((ds) => join(dir, `${name}.${ds.kind}.csv`));
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

/**
 * Writes `report` in every requested format; returns the paths written, in order.
 * @param render template options for the HTML (a user templates folder).
 */
export async function writeOutputs(
  report: Report,
  opts: OutputOptions,
  io?: Pick<CommandIo, "stderr">,
  render: Omit<HtmlOptions, "paper"> = {},
): Promise<string[]> {
  const dir = resolve(opts.outDir);
  await checkOutputs(opts, report.datasets ?? []);
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new NetreportError("EOUTPUT", `cannot create output folder: ${(e as Error).message}`, { where: dir, cause: e });
  });
  const written: string[] = [];
  const put = async (file: string, data: string | Uint8Array) => {
    const path = resolve(dir, file);
    try {
      await writeFile(path, data);
    } catch (e) {
      throw new NetreportError("EOUTPUT", `cannot write: ${(e as Error).message}`, { where: path, cause: e });
    }
    written.push(path);
    io?.stderr.write(`wrote ${path}\n`);
  };
  const needsHtml = opts.formats.some((f) => f === "html" || f === "pdf" || f === "png");
  const { renderReport } = await import("../report/render.js");
  const rendered = needsHtml ? await renderReport(report, { ...render, paper: opts.paper }) : undefined;
  for (const format of opts.formats) {
    switch (format) {
      case "html":
        await put(`${opts.name}.html`, rendered!.html);
        break;
      case "pdf":
        await put(`${opts.name}.pdf`, await rendered!.pdf());
        break;
      case "png":
        await put(`${opts.name}.png`, await rendered!.png());
        break;
      case "json":
        await put(`${opts.name}.json`, toJson(makeBundle(report.datasets ?? [], report.findings ?? [])));
        break;
      case "csv":
        for (const [i, path] of csvPaths(dir, opts.name, report.datasets ?? []).entries()) await put(path, datasetToCsv(report.datasets![i]!));
        break;
      case "xlsx": {
        const { datasetsToXlsx } = await import("../render/xlsx.js");
        await put(`${opts.name}.xlsx`, await datasetsToXlsx(report.datasets ?? [], { findings: report.findings ?? [] }));
        break;
      }
      default: {
        const never: never = format;
        throw new Error(`unhandled format ${String(never)}`);
      }
    }
  }
  return written;
}
