/**
 * Country names in the reader's language: Intl.DisplayNames (full ICU ships with Node) first, so
 * every database gets the same, localised names (US → 美国 for zh-CN); the database's own names
 * only where Intl has none.
 */
import { pickName } from "./record.js";

const displayNames = new Map<string, Intl.DisplayNames | null>();

function namesFor(locale: string): Intl.DisplayNames | null {
  let dn = displayNames.get(locale);
  if (dn === undefined) {
    try {
      dn = new Intl.DisplayNames([locale, "en"], { type: "region", fallback: "none" });
    } catch {
      dn = null; // not a BCP 47 tag
    }
    displayNames.set(locale, dn);
  }
  return dn;
}

/**
 * The name of country `code` (ISO 3166-1 alpha-2) for `locale` (BCP 47, e.g. `en`, `zh-CN`).
 * Falls back to `dbNames` (a GeoIP2 `names` map), then to the code itself.
 */
export function countryName(code: string, locale: string, dbNames?: Record<string, string> | null): string {
  let name: string | undefined;
  try {
    name = namesFor(locale)?.of(code);
  } catch {
    name = undefined;
  }
  if (name && name !== code) return name;
  return pickName(dbNames, locale) ?? code;
}
