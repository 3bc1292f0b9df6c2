/**
 * Cell and figure formatting: one value of a dataset column → the text a reader sees.
 *
 * The column type fixes the unit (bytes in B/KiB/MiB…, durations from milliseconds, percentages
 * from fractions), so tables, tiles and chart tooltips agree. Pure functions: no clock, no I/O; the
 * locale and time zone come in as options.
 */
import type { Cell, ColumnType } from "../dataset/types.js";

/** Options shared by the formatters. */
export interface FormatOptions {
  /** BCP 47 locale for digits and separators. Default `"en-US"`. */
  locale?: string;
  /** IANA time zone for `timestamp` cells. Default `"UTC"`. */
  timeZone?: string;
  /** Unit appended to `number` cells (`"pps"`, `"hops"`). Ignored by types that fix their unit. */
  unit?: string;
}

/** What an absent (`null`) or unparseable-as-absent value is shown as. */
export const MISSING = "—";

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A cached Intl.NumberFormat: formatters are costly to build and tables format many cells. */
function nf(locale: string, min: number, max: number): Intl.NumberFormat {
  const key = `${locale}|${min}|${max}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max });
    numberFormats.set(key, f);
  }
  return f;
}

/** A number from a numeric cell (numbers, or strings that are plain decimal numbers), else null. */
function toNumber(value: Cell): number | null {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) return Number(value);
  return null;
}

/** Text for NaN and infinities, or null when `n` is finite. */
function nonFinite(n: number): string | null {
  if (Number.isNaN(n)) return MISSING;
  if (n === Infinity) return "∞";
  if (n === -Infinity) return "−∞";
  return null;
}

/**
 * Formats one cell for display.
 *
 * - `integer`: rounded, thousands separators (`1,234,567`)
 * - `number`: at most 2 decimals, then `opts.unit` (`12.35 pps`)
 * - `bytes`: B, KiB, MiB, GiB, TiB with 1 decimal (`1.5 KiB`; whole bytes as `512 B`)
 * - `duration` (milliseconds): `250 µs`, `12.5 ms`, `1.5 s`, `2 min 5 s`, `3 h 20 min`
 * - `percent` (a fraction): `0.125` → `12.5 %`
 * - `timestamp` (ISO 8601 string or epoch ms): `2026-11-23 14:03:05` in `opts.timeZone`
 *   (the offset is not repeated per cell; see {@link formatTimeZoneLabel})
 * - `ip`, `port`, `text`: unchanged
 * - `boolean`: `yes`/`no` (`是`/`否` for Chinese locales)
 * - `severity`: capitalised (`high` → `High`)
 * - `null` → `—`. Values of the wrong type are shown as text rather than dropped.
 */
export function formatCell(value: Cell | undefined, type: ColumnType, opts: FormatOptions = {}): string {
  if (value === null || value === undefined) return MISSING;
  const locale = opts.locale ?? "en-US";
  switch (type) {
    case "text":
    case "ip":
      return String(value);
    case "port":
    case "id":
      return String(value);
    case "boolean":
      return formatBoolean(value, locale);
    case "severity":
      return capitalise(String(value));
    case "timestamp":
      return formatTimestamp(value, opts.timeZone ?? "UTC");
    case "integer":
    case "number":
    case "bytes":
    case "byteRate":
    case "duration":
    case "percent": {
      const n = toNumber(value);
      if (n === null) return String(value);
      return nonFinite(n) ?? formatNumeric(n, type, locale, opts.unit);
    }
    default: {
      const never: never = type;
      return String(never);
    }
  }
}

function formatNumeric(n: number, type: "integer" | "number" | "bytes" | "byteRate" | "duration" | "percent", locale: string, unit?: string): string {
  switch (type) {
    case "integer":
      return nf(locale, 0, 0).format(n);
    case "number": {
      const s = nf(locale, 0, 2).format(n);
      return unit ? `${s} ${unit}` : s;
    }
    case "bytes":
      return formatBytes(n, locale);
    case "byteRate":
      return `${formatBytes(n, locale)}/s`;
    case "duration":
      return formatDuration(n, locale);
    case "percent":
      return `${nf(locale, 0, 1).format(n * 100)} %`;
  }
}

/** `1536` → `1.5 KiB`. Binary (IEC) units; below 1 KiB whole bytes. */
export function formatBytes(bytes: number, locale = "en-US"): string {
  const special = nonFinite(bytes);
  if (special) return special;
  const sign = bytes < 0 ? "-" : "";
  let v = Math.abs(bytes);
  if (Math.round(v) < 1024) return `${sign}${nf(locale, 0, 0).format(v)} B`;
  let i = 0;
  // Compare the rounded value so 1023.96 KiB becomes "1.0 MiB", not "1,024.0 KiB".
  while (i < BYTE_UNITS.length - 1 && Math.round(v * 10) / 10 >= 1024) {
    v /= 1024;
    i++;
  }
  return `${sign}${nf(locale, 1, 1).format(v)} ${BYTE_UNITS[i]}`;
}

/** A duration in milliseconds → `250 µs`, `12.5 ms`, `1.5 s`, `2 min 5 s`, `3 h 20 min`, `3 d 4 h`. */
export function formatDuration(ms: number, locale = "en-US"): string {
  const special = nonFinite(ms);
  if (special) return special;
  const sign = ms < 0 ? "-" : "";
  const v = Math.abs(ms);
  const one = nf(locale, 0, 1);
  const whole = nf(locale, 0, 0);
  // Each step checks the rounded value, so 999.96 ms is "1 s" rather than "1,000 ms".
  if (v === 0) return "0 ms";
  if (Math.round(v * 1000) < 1000 && v < 1) return `${sign}${whole.format(Math.round(v * 1000))} µs`;
  if (Math.round(v * 10) / 10 < 1000) return `${sign}${one.format(v)} ms`;
  if (Math.round(v / 100) / 10 < 60) return `${sign}${one.format(v / 1000)} s`;
  const totalS = Math.round(v / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return s === 0 ? `${sign}${m} min` : `${sign}${m} min ${s} s`;
  }
  const totalMin = Math.round(v / 60_000);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (h >= 48) {
    // Two days and more: days and hours (a capture spanning years reads "1,116 d 8 h").
    const totalH = Math.round(v / 3_600_000);
    const d = Math.floor(totalH / 24);
    const hh = totalH % 24;
    return hh === 0 ? `${sign}${whole.format(d)} d` : `${sign}${whole.format(d)} d ${hh} h`;
  }
  return m === 0 ? `${sign}${whole.format(h)} h` : `${sign}${whole.format(h)} h ${m} min`;
}

function formatBoolean(value: string | number | boolean, locale: string): string {
  let b: boolean | null = null;
  if (typeof value === "boolean") b = value;
  else if (value === "true" || value === 1) b = true;
  else if (value === "false" || value === 0) b = false;
  if (b === null) return String(value);
  if (locale.toLowerCase().startsWith("zh")) return b ? "是" : "否";
  return b ? "yes" : "no";
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dtf(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    dateFormats.set(timeZone, f);
  }
  return f;
}

/** An ISO 8601 date and time with no zone or offset. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The instant of an ISO 8601 string or epoch milliseconds (an Invalid Date when it is none). A
 * date-time without a zone is UTC here: Date would read it in this machine's zone.
 */
export function parseTime(value: string | number): Date {
  return new Date(typeof value === "string" && ZONELESS.test(value) ? `${value}Z` : value);
}

/**
 * An ISO 8601 string or epoch milliseconds → `YYYY-MM-DD HH:mm:ss` in `timeZone` (default UTC).
 * Unparseable strings are returned unchanged. Throws a RangeError for an unknown time zone.
 */
export function formatTimestamp(value: string | number | boolean, timeZone = "UTC"): string {
  if (typeof value === "boolean") return String(value);
  const d = parseTime(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const year = d.getUTCFullYear();
  if ((timeZone === "UTC" || timeZone === "Etc/UTC") && year >= 1000 && year <= 9999) {
    // Intl's formatToParts costs a microsecond-scale allocation per cell; a 2,000-row table has thousands.
    const two = (n: number) => (n < 10 ? `0${n}` : String(n));
    return `${year}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  }
  const p: Record<string, string> = {};
  for (const part of dtf(timeZone).formatToParts(d)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/**
 * The UTC offset of `timeZone` at instant `at` (ISO string or epoch ms; default the Unix epoch,
 * so the function stays pure): `"UTC"`, `"UTC+08:00"`, `"UTC-05:00"`. For a table heading, so
 * the offset is shown once rather than in every cell.
 */
export function formatTimeZoneLabel(timeZone = "UTC", at: string | number = 0): string {
  const d = parseTime(at);
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(d);
  const name = parts.find((x) => x.type === "timeZoneName")?.value ?? "GMT";
  const off = name.replace(/^GMT/, "");
  return off === "" || /^[+-]00:00$/.test(off) ? "UTC" : `UTC${off}`;
}

/** A key figure's value, as in a report's figure tiles (structurally `report/types.ts` Figure). */
export interface FigureValue {
  value: number | string | null;
  /** Default `"integer"` for whole numbers, else `"number"`. */
  type?: ColumnType;
  unit?: string;
}

/** Formats a key figure: like {@link formatCell}, with the type defaulted from the value. */
export function formatFigure(figure: FigureValue, opts: FormatOptions = {}): string {
  const v = figure.value;
  const type: ColumnType =
    figure.type ?? (typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : "text");
  const unit = figure.unit ?? opts.unit;
  const text = formatCell(v, type, { ...opts, unit });
  // Integer figures carry their unit too ("1,204 hosts"); number cells already appended it.
  if (unit && v !== null && type === "integer") return `${text} ${unit}`;
  return text;
}
