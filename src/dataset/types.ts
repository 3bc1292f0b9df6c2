/**
 * The typed dataset: what every analysis returns and every renderer reads.
 *
 * A dataset is plain JSON (no classes): rows of a declared row type, column descriptions that say
 * how to show each value, where the data came from, and what was skipped. It is tagged by `kind`
 * (the schema name of its rows) and `schemaVersion`, inside an envelope named by `format` and
 * `formatVersion`, so that JSON saved today stays readable by later releases.
 */

/** How a column's values are typed and shown. Units are fixed per type so tables and charts agree. */
export const ColumnType = {
  /** Free text. */
  text: "text",
  /** Whole number, shown with thousands separators. */
  integer: "integer",
  /** Real number; `Column.unit` names its unit. */
  number: "number",
  /** A count of bytes, shown as B/KiB/MiB/GiB. */
  bytes: "bytes",
  /** Bytes per second, shown as B/s, KiB/s, MiB/s, GiB/s. */
  byteRate: "byteRate",
  /** A duration in milliseconds, shown as µs/ms/s/min/h, and two days or more as days and hours. */
  duration: "duration",
  /** A fraction 0..1, shown as a percentage. */
  percent: "percent",
  /** An ISO 8601 UTC timestamp string, shown in the report's time zone. */
  timestamp: "timestamp",
  /** An IPv4 or IPv6 address (text). */
  ip: "ip",
  /** A TCP/UDP port number. */
  port: "port",
  /** An identifying number (PID, UID, AS number, packet number): shown as it is, without digit grouping. */
  id: "id",
  /** true/false. */
  boolean: "boolean",
  /** A finding severity (see `Severity`). */
  severity: "severity",
} as const;
export type ColumnType = (typeof ColumnType)[keyof typeof ColumnType];

/** True when `v` names a {@link ColumnType}. */
export function isColumnType(v: unknown): v is ColumnType {
  return typeof v === "string" && Object.hasOwn(ColumnType, v);
}

/**
 * The types whose cells are numbers: right-aligned in report tables, kept on one line, and written
 * to spreadsheets as numbers.
 */
export const NUMERIC_COLUMN_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(["integer", "number", "bytes", "byteRate", "duration", "percent", "port", "id"]);

/** A cell value: JSON scalars only; `null` means "known to be absent". */
export type Cell = string | number | boolean | null;

/**
 * What a dataset kind may look like: a letter, then letters, digits, `_` and `-`. Kinds name
 * files (`<name>.<kind>.csv`) and worksheets, so nothing that reads as a path is one.
 */
const DATASET_KIND_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** True when `v` is a usable dataset kind (see {@link DATASET_KIND_PATTERN}). */
export function isDatasetKind(v: unknown): v is string {
  return typeof v === "string" && DATASET_KIND_PATTERN.test(v);
}

/** Describes one column of a dataset. */
export interface Column<Row extends object = Record<string, Cell>> {
  /** The row property this column shows. */
  key: Extract<keyof Row, string>;
  /** Heading shown to readers (may be CJK). */
  label: string;
  /** Value type, which fixes formatting. */
  type: ColumnType;
  /** Unit for `number` columns (`"pps"`, `"hops"`); ignored where the type fixes it. */
  unit?: string;
  /** One sentence for the appendix or a tooltip. */
  description?: string;
}

/** Where a dataset came from. */
export interface Provenance {
  /** Analysis id, e.g. `"pcap"`, `"scan"`, `"proc.sockets"`. */
  analysis: string;
  /** The parameters the analysis ran with (JSON). */
  parameters: unknown;
  /** Host name of the machine that ran the analysis. */
  host: string;
  /** ISO 8601 UTC start time. */
  startedAt: string;
  /** ISO 8601 UTC end time. */
  finishedAt: string;
  /** `netreport@<version>` that produced it. */
  tool: string;
}

/** The envelope name of a saved dataset. */
export const DATASET_FORMAT = "netreport.dataset";
/** The envelope version this release writes and the newest it reads. */
export const DATASET_FORMAT_VERSION = 1;

/** One analysis output: rows of type `Row`, tagged by `kind`. */
export interface Dataset<K extends string = string, Row extends object = Record<string, Cell>> {
  format: typeof DATASET_FORMAT;
  formatVersion: number;
  /** Schema name of the rows, e.g. `"portScan"`, `"pcapConversations"`. */
  kind: K;
  /** Bump when `Row` changes incompatibly; readers upgrade older rows (see `registerDatasetKind`). */
  schemaVersion: number;
  /** Title shown above the dataset's table. */
  title: string;
  columns: Column<Row>[];
  rows: Row[];
  provenance: Provenance;
  /** Partial results: what was skipped and why. Empty when complete. */
  warnings: string[];
}

/** Any dataset, for code that handles all kinds. */
export type AnyDataset = Dataset<string, any>;
