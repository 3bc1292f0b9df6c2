/**
 * d3/Vega locale definitions derived from Intl, so charts can follow a report's locale without
 * shipping locale files: digit grouping and decimal mark, month and weekday names.
 */

/** d3-format locale definition. */
export interface NumberLocaleDefinition {
  decimal: string;
  thousands: string;
  grouping: number[];
  currency: [string, string];
  minus?: string;
}

/** d3-time-format locale definition. */
export interface TimeLocaleDefinition {
  dateTime: string;
  date: string;
  time: string;
  periods: [string, string];
  days: string[];
  shortDays: string[];
  months: string[];
  shortMonths: string[];
}

/** A definition shared by every chart of the process: frozen with its arrays, so no caller can change it for the others. */
function frozen<T extends object>(def: T): T {
  for (const v of Object.values(def)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(def);
}

const numberLocales = new Map<string, NumberLocaleDefinition>();
const timeLocales = new Map<string, TimeLocaleDefinition>();

/** Number locale for `locale` (e.g. `"de-DE"` → decimal `,`, thousands `.`). Made once per locale. */
export function numberLocale(locale: string): NumberLocaleDefinition {
  let made = numberLocales.get(locale);
  if (!made) numberLocales.set(locale, (made = frozen(makeNumberLocale(locale))));
  return made;
}

function makeNumberLocale(locale: string): NumberLocaleDefinition {
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  return { decimal, thousands: group, grouping: [3], currency: ["", ""], minus: "−" };
}

function names(locale: string, opts: Intl.DateTimeFormatOptions, dates: Date[]): string[] {
  const f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: "UTC" });
  return dates.map((d) => f.format(d));
}

/**
 * Time locale for `locale`: names from Intl, and ISO-like date and time patterns
 * (`%Y-%m-%d`, `%H:%M:%S`), which every reader of an operations report can read. Made once per locale.
 */
export function timeLocale(locale: string): TimeLocaleDefinition {
  let made = timeLocales.get(locale);
  if (!made) timeLocales.set(locale, (made = frozen(makeTimeLocale(locale))));
  return made;
}

function makeTimeLocale(locale: string): TimeLocaleDefinition {
  // 1970-01-04 was a Sunday; d3 lists days from Sunday.
  const days = Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(1970, 0, 4 + i)));
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(1970, i, 15)));
  const period = new Intl.DateTimeFormat(locale, { hour: "numeric", hour12: true, timeZone: "UTC" });
  const dayPeriod = (h: number): string =>
    period.formatToParts(new Date(Date.UTC(1970, 0, 1, h))).find((p) => p.type === "dayPeriod")?.value ?? (h < 12 ? "AM" : "PM");
  return {
    dateTime: "%Y-%m-%d %H:%M:%S",
    date: "%Y-%m-%d",
    time: "%H:%M:%S",
    periods: [dayPeriod(9), dayPeriod(15)],
    days: names(locale, { weekday: "long" }, days),
    shortDays: names(locale, { weekday: "short" }, days),
    months: names(locale, { month: "long" }, months),
    shortMonths: names(locale, { month: "short" }, months),
  };
}
