/**
 * CSV export of a dataset: RFC 4180 (CRLF records, fields quoted when they hold a quote, comma,
 * CR or LF, quotes doubled) and safe to open in a spreadsheet: a text cell that starts with
 * = + - @ (or a tab or CR) is prefixed with an apostrophe so it is never run as a formula.
 * Values are written raw (bytes as a count, durations in ms), not formatted for reading.
 */
import type { AnyDataset, Cell } from "./types.js";

/** Options of {@link datasetToCsv}. */
export interface CsvOptions {
  /** Header row from column labels (readers) or keys (scripts). Default `"label"`. */
  header?: "label" | "key";
  /** Prefix the file with a UTF-8 byte-order mark so Excel reads CJK text right. Default true. */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Text a spreadsheet would run as a formula (it starts with = + - @, tab or CR) gets a leading
 * apostrophe, so it shows as the text it is. Shared by the CSV and XLSX writers.
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? "'" + s : s;
}

/** One CSV field: neutralised against formula injection, then quoted as RFC 4180 requires. */
export function csvField(value: Cell | undefined): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "string" ? neutraliseFormula(value) : String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The dataset as CSV text. */
export function datasetToCsv(ds: AnyDataset, options: CsvOptions = {}): string {
  const header = options.header ?? "label";
  const lines = [ds.columns.map((c) => csvField(header === "key" ? c.key : c.unit && c.type === "number" ? `${c.label} (${c.unit})` : c.label)).join(",")];
  for (const row of ds.rows as Record<string, Cell>[]) {
    lines.push(ds.columns.map((c) => csvField(row[c.key])).join(","));
  }
  return (options.bom === false ? "" : "\uFEFF") + lines.join("\r\n") + "\r\n";
}
