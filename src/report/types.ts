/**
 * The report model: a title, metadata and an ordered list of sections, all plain JSON, so a
 * report can be saved (`report.json`), edited and rendered later by `netreport render`.
 *
 * Analyses' report builders return a {@link Report}; `src/report/` turns it into HTML, PDF, PNG.
 */
import type { AnyDataset, ColumnType } from "../dataset/types.js";
import type { Finding } from "../dataset/finding.js";

/** Paper sizes for PDF output. */
export const PaperSize = { A4: "A4", Letter: "Letter" } as const;
export type PaperSize = (typeof PaperSize)[keyof typeof PaperSize];

/** A key figure: one number or short text with a label, shown large near the top of a report. */
export interface Figure {
  label: string;
  value: number | string | null;
  /** How to format a numeric value. Default `"integer"` for integers, else `"number"`. */
  type?: ColumnType;
  unit?: string;
  /** Tone of the tile: `"bad"` for figures that need attention. Default `"neutral"`. */
  tone?: "good" | "neutral" | "warn" | "bad";
  /** A short line under the value. */
  note?: string;
}

interface SectionBase {
  /** Heading shown in the body and the table of contents; omitted sections are untitled. */
  title?: string;
  /** Stable anchor id; derived from the title when absent. */
  id?: string;
  /** Start the section on a new page in the PDF. Default false. */
  pageBreakBefore?: boolean;
}

/** Markdown text (rendered with raw HTML escaped). */
export interface ProseSection extends SectionBase {
  kind: "prose";
  markdown: string;
}

/** Key figures as tiles. */
export interface FiguresSection extends SectionBase {
  kind: "figures";
  figures: Figure[];
}

/** A dataset as a table, formatted by column type. */
export interface TableSection extends SectionBase {
  kind: "table";
  dataset: AnyDataset;
  /** Column keys to show, in order. Default: all. */
  columns?: string[];
  /** Rows shown at most; the rest are counted in a note. Default: all. */
  limit?: number;
  /** Text under the table. */
  caption?: string;
}

/** A Vega-Lite chart. The dataset's rows become the spec's `data.values` when it has no data. */
export interface ChartSection extends SectionBase {
  kind: "chart";
  /** A Vega-Lite spec (JSON). */
  spec: Record<string, unknown>;
  dataset?: AnyDataset;
  caption?: string;
}

/** A Graphviz graph. */
export interface GraphSection extends SectionBase {
  kind: "graph";
  /** DOT source; build it with the DOT builder so every label is escaped. */
  dot: string;
  /** Graphviz layout engine. Default `"dot"`. */
  engine?: "dot" | "neato" | "fdp" | "sfdp" | "circo" | "twopi";
  caption?: string;
}

/** Findings, most urgent first, each with its evidence. */
export interface FindingsSection extends SectionBase {
  kind: "findings";
  findings: Finding[];
  /** Text shown when there are no findings. Default "No findings." */
  emptyText?: string;
}

/** Any report section, tagged by `kind`. */
export type Section = ProseSection | FiguresSection | TableSection | ChartSection | GraphSection | FindingsSection;
export type SectionKind = Section["kind"];

/** The envelope name of a saved report description. */
export const REPORT_FORMAT = "netreport.report";

/** A whole report. */
export interface Report {
  format?: typeof REPORT_FORMAT;
  formatVersion?: number;
  title: string;
  subtitle?: string;
  /** What the report covers (hosts, capture files, period): shown on the cover. */
  scope?: string;
  author?: string;
  /** ISO 8601 time of generation. Default: the time of rendering. */
  generatedAt?: string;
  /** BCP 47 language of the report's own words and of number/date formatting. Default "en". */
  lang?: string;
  /** IANA time zone for timestamps. Default: the machine's. */
  timeZone?: string;
  /** Further key/value lines for the cover. */
  metadata?: Record<string, string>;
  sections: Section[];
  /** Datasets and findings saved with `--format json` beside the report. */
  datasets?: AnyDataset[];
  findings?: Finding[];
  /** Data sources to credit (e.g. a GeoIP database's licence); shown at the end. */
  attributions?: string[];
}
