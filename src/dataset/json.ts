/**
 * Saving and reading datasets and result bundles as JSON.
 *
 * Readers accept every envelope version up to this release's and upgrade rows of older
 * `schemaVersion`s through the upgraders registered per kind, so files saved by earlier releases
 * (baselines for scan diffs, archived evidence) stay readable.
 */
import { NetreportError } from "../errors.js";
import type { Finding } from "./finding.js";
import { checkRows, checkShape, checkWarnings, fail, type KindShape } from "./rows.js";
import { isColumnType, isDatasetKind, DATASET_FORMAT, DATASET_FORMAT_VERSION, type AnyDataset } from "./types.js";

/** Upgrades one dataset of `kind` from an older schema version to the current one. */
export type DatasetUpgrader = (old: AnyDataset) => AnyDataset;

/** How a registered kind is read: an upgrader for older rows and the shape its readers rely on. */
export interface KindOptions extends KindShape {
  upgrade?: DatasetUpgrader;
}

interface KindInfo extends KindOptions {
  schemaVersion: number;
}

const kinds = new Map<string, KindInfo>();

/**
 * Declares a dataset kind's current schema version, how to upgrade older saved rows (an
 * upgrader, or `options.upgrade`), and the zod shapes of its rows and provenance that every
 * dataset of the kind read must have (`options.row`, `options.provenance`). Kinds not
 * registered get the checks every dataset gets (see rows.ts).
 */
export function registerDatasetKind(kind: string, schemaVersion: number, options?: DatasetUpgrader | KindOptions): void {
  kinds.set(kind, { schemaVersion, ...(typeof options === "function" ? { upgrade: options } : options) });
}

/** The envelope name of a saved analysis result (datasets plus findings). */
export const BUNDLE_FORMAT = "netreport.bundle";

/** What an analysis command writes with `--format json`: its datasets and findings. */
export interface ResultBundle {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  /** ISO 8601 UTC time the bundle was written. */
  createdAt: string;
  datasets: AnyDataset[];
  findings: Finding[];
}

/** Makes a bundle of datasets and findings. */
export function makeBundle(datasets: AnyDataset[], findings: Finding[] = []): ResultBundle {
  return { format: BUNDLE_FORMAT, formatVersion: DATASET_FORMAT_VERSION, createdAt: new Date().toISOString(), datasets, findings };
}

/** Serialises a dataset or bundle as pretty JSON with a final newline. */
export function toJson(value: AnyDataset | ResultBundle): string {
  return JSON.stringify(value, null, 2) + "\n";
}

function checkVersion(where: string, formatVersion: unknown): void {
  if (typeof formatVersion !== "number" || !Number.isInteger(formatVersion) || formatVersion < 1) {
    fail(where, `formatVersion must be a positive integer, found ${JSON.stringify(formatVersion)}`);
  }
  if (formatVersion > DATASET_FORMAT_VERSION) {
    throw new NetreportError(
      "EDATASET_VERSION",
      `written in format version ${formatVersion}, this netreport reads up to ${DATASET_FORMAT_VERSION}`,
      { where, hint: "upgrade netreport to read it" },
    );
  }
}

/** Checks a parsed value is a dataset and upgrades it to the current schema of its kind. */
export function checkDataset(value: unknown, where: string): AnyDataset {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "not a JSON object");
  const d = value as Record<string, unknown>;
  if (d.format !== DATASET_FORMAT) fail(where, `format is ${JSON.stringify(d.format)}, expected "${DATASET_FORMAT}"`);
  checkVersion(where, d.formatVersion);
  if (typeof d.kind !== "string" || d.kind === "") fail(where, "kind is missing");
  if (!isDatasetKind(d.kind)) fail(where, `kind ${JSON.stringify(d.kind)} is not a name: a letter, then letters, digits, _ and -`);
  if (typeof d.schemaVersion !== "number") fail(where, `schemaVersion of ${d.kind} is missing`);
  if (typeof d.title !== "string") fail(where, `title of ${d.kind} is missing`);
  if (!Array.isArray(d.rows)) fail(where, `rows of ${d.kind} is not an array`);
  if (!Array.isArray(d.columns)) fail(where, `columns of ${d.kind} is not an array`);
  d.columns.forEach((c: unknown, i: number) => {
    const col = c as Record<string, unknown> | null;
    if (!col || typeof col.key !== "string" || typeof col.label !== "string" || !isColumnType(col.type)) {
      fail(`${where} columns[${i}]`, `column needs a key, a label and a known type, found ${JSON.stringify(c)}`);
    }
  });
  if (typeof d.provenance !== "object" || d.provenance === null) fail(where, `provenance of ${d.kind} is missing`);
  const warnings = checkWarnings(d.warnings, d.kind, where);
  checkRows(d.rows, d.columns as AnyDataset["columns"], d.kind, where);
  let ds = { ...d, warnings } as unknown as AnyDataset;
  const info = kinds.get(ds.kind);
  if (info && ds.schemaVersion !== info.schemaVersion) {
    if (ds.schemaVersion > info.schemaVersion) {
      throw new NetreportError(
        "EDATASET_VERSION",
        `${ds.kind} rows are schema version ${ds.schemaVersion}, this netreport reads up to ${info.schemaVersion}`,
        { where, hint: "upgrade netreport to read it" },
      );
    }
    if (!info.upgrade) fail(where, `${ds.kind} schema version ${ds.schemaVersion} is no longer readable`);
    ds = info.upgrade(ds);
  }
  if (info) checkShape(ds, info, where);
  return ds;
}

/** Parses a saved dataset. `where` names the source in errors (a file name). */
export function parseDataset(text: string, where = "dataset"): AnyDataset {
  return checkDataset(parseJson(text, where), where);
}

/**
 * Parses a saved bundle; a lone dataset is accepted too and read as a bundle of one,
 * so scripts can hand either to `--baseline`.
 */
export function parseBundle(text: string, where = "bundle"): ResultBundle {
  const value = parseJson(text, where) as Record<string, unknown> | null;
  if (value && typeof value === "object" && value.format === DATASET_FORMAT) {
    return makeBundle([checkDataset(value, where)]);
  }
  if (!value || typeof value !== "object" || value.format !== BUNDLE_FORMAT) {
    fail(where, `format is ${JSON.stringify(value?.format)}, expected "${BUNDLE_FORMAT}" or "${DATASET_FORMAT}"`);
  }
  checkVersion(where, value.formatVersion);
  if (!Array.isArray(value.datasets)) fail(where, "datasets is not an array");
  const datasets = value.datasets.map((d: unknown, i: number) => checkDataset(d, `${where} datasets[${i}]`));
  const findings = Array.isArray(value.findings) ? (value.findings as Finding[]) : [];
  return { format: BUNDLE_FORMAT, formatVersion: DATASET_FORMAT_VERSION, createdAt: String(value.createdAt ?? ""), datasets, findings };
}

/** JSON.parse with an error that names the source, line and column. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    let at = where;
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos).split("\n");
      at = `${where}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
    }
    throw new NetreportError("EDATASET_SCHEMA", `not valid JSON: ${(e as Error).message}`, { where: at, cause: e });
  }
}
