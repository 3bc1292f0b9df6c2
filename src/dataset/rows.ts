/**
 * Checking what a saved dataset holds, beyond its envelope: rows, cells, warnings, and the
 * shape a registered kind's readers rely on. A file is data from anywhere (an old release, a
 * script, a hand edit); a bad cell must be an EDATASET_SCHEMA naming file, kind, row and column,
 * not a TypeError deep in a renderer (`r.rtts.split is not a function`).
 *
 *   1. warnings: an array of strings (absent: none)
 *   2. rows: objects whose every value is a JSON scalar, each column's cells of its type
 *   3. a registered kind (after upgrading): every row and the provenance against its zod schemas
 */
import type { z } from "zod";
import { NetreportError } from "../errors.js";
import { NUMERIC_COLUMN_TYPES, type ColumnType } from "./types.js";

/** What a registered kind's readers rely on, checked on every dataset of the kind that is read. */
export interface KindShape {
  /** One row of the current schema version. Only checked: rows are kept as they are. */
  row?: z.ZodType;
  /** The provenance (its `parameters` as the kind's readers use them). */
  provenance?: z.ZodType;
}

const HINT = "the file must be a dataset or bundle written by `netreport ... --format json`";

/** Throws EDATASET_SCHEMA at `where` with the hint every bundle reader gives. */
export function fail(where: string, message: string): never {
  throw new NetreportError("EDATASET_SCHEMA", message, { where, hint: HINT });
}

/** A value for a message: JSON, cut short. */
function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/** What a column of `type` holds besides null; text takes any scalar, so it is not listed. */
const CELL_TYPES: Partial<Record<ColumnType, { is: (v: unknown) => boolean; says: string }>> = {
  boolean: { is: (v) => typeof v === "boolean", says: "true, false or null" },
  ip: { is: (v) => typeof v === "string", says: "a string or null" },
  timestamp: { is: (v) => typeof v === "string", says: "an ISO 8601 string or null" },
  severity: { is: (v) => typeof v === "string", says: "a string or null" },
};
for (const t of NUMERIC_COLUMN_TYPES) CELL_TYPES[t] = { is: (v) => typeof v === "number", says: "a number or null" };

const isScalar = (v: unknown) => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** 1. The warnings of a dataset: an array of strings; absent means none. */
export function checkWarnings(warnings: unknown, kind: string, where: string): string[] {
  if (warnings === undefined) return [];
  if (!Array.isArray(warnings)) fail(`${where} warnings`, `warnings of ${kind} is not an array, found ${shown(warnings)}`);
  warnings.forEach((w: unknown, i) => {
    if (typeof w !== "string") fail(`${where} warnings[${i}]`, `warning ${i} of ${kind} is not text, found ${shown(w)}`);
  });
  return warnings as string[];
}

/**
 * 2. Every row an object of JSON scalars, each cell of a column of its type (a number column
 * numbers or null, and so on). A cell that is absent counts as null.
 */
export function checkRows(rows: readonly unknown[], columns: readonly { key: string; type: ColumnType }[], kind: string, where: string): void {
  const typed = columns.flatMap((c) => {
    const t = CELL_TYPES[c.type];
    return t ? [{ key: c.key, ...t }] : [];
  });
  rows.forEach((row, i) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) fail(`${where} rows[${i}]`, `${kind} row ${i} is not an object, found ${shown(row)}`);
    for (const key in row) {
      const v = (row as Record<string, unknown>)[key];
      if (!isScalar(v)) fail(`${where} rows[${i}].${key}`, `${kind} row ${i}, column ${key}: a cell must be text, a number, true/false or null, found ${shown(v)}`);
    }
    for (const c of typed) {
      const v = (row as Record<string, unknown>)[c.key];
      if (v !== null && v !== undefined && !c.is(v)) fail(`${where} rows[${i}].${c.key}`, `${kind} row ${i}, column ${c.key}: expected ${c.says}, found ${shown(v)}`);
    }
  });
}

/** A zod issue in this module's words: `expected string, found 5`. */
function said(issue: z.core.$ZodIssue, found: unknown): string {
  const expected = issue.code === "invalid_type" ? `expected ${issue.expected}` : issue.message;
  return `${expected}, found ${shown(found)}`;
}

/** 3. A registered kind's rows and provenance against its schemas. */
export function checkShape(ds: { kind: string; rows: readonly unknown[]; provenance: unknown }, shape: KindShape, where: string): void {
  if (shape.provenance) {
    const r = shape.provenance.safeParse(ds.provenance);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const path = issue.path.map(String).join(".");
      const found = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], ds.provenance);
      fail(`${where} provenance.${path}`, `provenance.${path} of ${ds.kind}: ${said(issue, found)}`);
    }
  }
  if (!shape.row) return;
  const row = shape.row;
  ds.rows.forEach((value, i) => {
    const r = row.safeParse(value);
    if (r.success) return;
    const issue = r.error.issues[0]!;
    const key = issue.path.map(String).join(".");
    const found = (value as Record<string, unknown>)[String(issue.path[0])];
    fail(`${where} rows[${i}].${key}`, `${ds.kind} row ${i}, column ${key}: ${said(issue, found)}`);
  });
}
