/**
 * XLSX export of datasets (and findings): one worksheet per dataset, values typed as the
 * columns say (numbers stay numbers, so a spreadsheet can sort and sum them), a bold frozen
 * header row with a filter. No I/O: the workbook is returned as a Buffer.
 *
 * Safe to open, as the CSV export is: a text cell starting with = + - @ (or a tab or CR) gets an
 * apostrophe in front so no spreadsheet ever reads it as a formula; control characters XML
 * cannot carry are written as `\xNN`; text longer than a cell holds (32,767) is cut.
 *
 * exceljs (CommonJS, ~1 MB) is imported on first use, so commands that never write XLSX do not
 * load it.
 */
import { neutraliseFormula } from "../dataset/csv.js";
import type { Finding } from "../dataset/finding.js";
import { NUMERIC_COLUMN_TYPES, type AnyDataset, type Cell, type Column } from "../dataset/types.js";

/** Options of {@link datasetsToXlsx}. */
export interface XlsxOptions {
  /** Findings to add as a "Findings" sheet. Default none. */
  findings?: readonly Finding[];
  /** Workbook creator. Default "netreport". */
  creator?: string;
  /** Workbook creation time. Default now. */
  created?: Date;
}

// XML 1.0 allows tab, LF and CR among the C0 controls; the rest cannot be stored.
const XML_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const MAX_CELL_TEXT = 32_767;

/** A text cell made safe: control characters escaped, formula starts neutralised, length cut. */
export function safeText(s: string): string {
  const out = neutraliseFormula(s.replace(XML_UNSAFE, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
  return out.length > MAX_CELL_TEXT ? out.slice(0, MAX_CELL_TEXT - 1) + "…" : out;
}

/** The value written for one cell: numbers and booleans typed, everything else safe text. */
function xlsxValue(value: Cell | undefined, column: Pick<Column, "type">): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  if (NUMERIC_COLUMN_TYPES.has(column.type) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return safeText(value);
}

/** A worksheet name Excel accepts (≤ 31 characters, none of `[]:*?/\`), unique in `taken`. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = (wanted.replace(/[[\]:*?/\\]/g, " ").replace(/^'+|'+$/g, "").trim() || "Sheet").slice(0, 31);
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function headerOf(c: Column): string {
  return c.unit && c.type === "number" ? `${c.label} (${c.unit})` : c.label;
}

/**
 * Writes datasets (one sheet each, named by kind) and optional findings to an XLSX workbook.
 * Values are raw, as in the CSV: bytes as a count, durations in ms, percentages as fractions.
 */
export async function datasetsToXlsx(datasets: readonly AnyDataset[], options: XlsxOptions = {}): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = options.creator ?? "netreport";
  wb.created = options.created ?? new Date();
  const taken = new Set<string>();
  const addSheet = (name: string, headers: string[], widths: number[], rows: Array<Array<string | number | boolean | null>>) => {
    const ws = wb.addWorksheet(sheetName(name, taken), { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = headers.map((h, i) => ({ header: safeText(h), width: widths[i] ?? 14 }));
    ws.getRow(1).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    if (headers.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: headers.length } };
  };
  for (const ds of datasets) {
    const cols = ds.columns as Column[];
    const rows = (ds.rows as Record<string, Cell>[]).map((row) => cols.map((c) => xlsxValue(row[c.key], c)));
    const widths = cols.map((c, i) => Math.min(60, Math.max(8, headerOf(c).length + 2, ...rows.slice(0, 200).map((r) => String(r[i] ?? "").length + 2))));
    addSheet(ds.kind, cols.map(headerOf), widths, rows);
  }
  if (options.findings?.length) {
    const rows = options.findings.map((f) => [
      safeText(f.severity),
      safeText(f.rule),
      safeText(f.title),
      safeText(f.summary),
      safeText(f.evidence.flatMap((e) => e.addresses ?? []).join(" ")),
      safeText(f.evidence.flatMap((e) => e.ports ?? []).join(" ")),
      f.recommendation ? safeText(f.recommendation) : null,
    ]);
    addSheet("Findings", ["Severity", "Rule", "Title", "Summary", "Addresses", "Ports", "Recommendation"], [10, 28, 50, 70, 40, 12, 50], rows);
  }
  if (wb.worksheets.length === 0) addSheet("Empty", ["No data"], [14], []);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
