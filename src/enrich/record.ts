/**
 * Reading the fields netreport needs out of the record shapes found in the wild. Pure.
 *
 * GeoIP2/GeoLite2 City and Country:  country.iso_code, city.names[locale], location.latitude/longitude
 * GeoIP2 Enterprise/Insights:        the above plus traits.autonomous_system_number/…organization/isp
 * GeoLite2-ASN / netreport-ASN:      autonomous_system_number, autonomous_system_organization
 * GeoIP2-ISP:                        the ASN fields plus isp (and organization)
 * ip-location-db (DB-IP) city:       country_code, city (English), latitude, longitude (float32)
 */

/** Geolocation read from a record; null where the record says nothing. */
export interface GeoFields {
  /** ISO 3166-1 alpha-2 country code, upper case. */
  countryCode: string | null;
  /** Country names by locale, when the record carries them (GeoIP2). */
  countryNames: Record<string, string> | null;
  /** City name in the asked locale (falling back to English, then any). */
  city: string | null;
  /** Latitude in degrees, rounded to 4 decimals (≈ 11 m). */
  lat: number | null;
  /** Longitude in degrees, rounded to 4 decimals. */
  lon: number | null;
}

/** Network ownership read from a record. */
export interface AsnFields {
  /** Autonomous system number. */
  asn: number | null;
  /** Organisation the AS is registered to. */
  asOrg: string | null;
  /** Internet service provider (GeoIP2-ISP, Enterprise). */
  isp: string | null;
}

type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const coord = (v: unknown, limit: number): number | null => {
  const n = num(v);
  return n === null || Math.abs(n) > limit ? null : Math.round(n * 1e4) / 1e4;
};

/** A usable country code: two ASCII letters, not the "unknown" codes ZZ and XX. */
export function normaliseCountryCode(v: unknown): string | null {
  const s = str(v)?.toUpperCase() ?? null;
  return s !== null && /^[A-Z]{2}$/.test(s) && s !== "ZZ" && s !== "XX" ? s : null;
}

/**
 * The best name for `locale` in a GeoIP2 `names` map: the exact locale (`zh-CN`), then any name of
 * the same language (`zh` → `zh-CN`), then English, then null.
 */
export function pickName(names: unknown, locale: string): string | null {
  if (!isRec(names)) return null;
  const exact = str(names[locale]);
  if (exact) return exact;
  const lang = locale.split("-")[0]!.toLowerCase();
  for (const [k, v] of Object.entries(names)) {
    if (k.split("-")[0]!.toLowerCase() === lang && str(v)) return v as string;
  }
  return str(names.en);
}

/** Geolocation from any supported record shape. */
export function geoFromRecord(record: unknown, locale: string): GeoFields {
  const none: GeoFields = { countryCode: null, countryNames: null, city: null, lat: null, lon: null };
  if (!isRec(record)) return none;
  const country = isRec(record.country) ? record.country : null;
  const location = isRec(record.location) ? record.location : null;
  const cityRec = isRec(record.city) ? record.city : null;
  return {
    countryCode: normaliseCountryCode(country?.iso_code ?? record.country_code),
    countryNames: country && isRec(country.names) ? (country.names as Record<string, string>) : null,
    city: cityRec ? pickName(cityRec.names, locale) : str(record.city),
    lat: coord(location ? location.latitude : record.latitude, 90),
    lon: coord(location ? location.longitude : record.longitude, 180),
  };
}

/** AS number, organisation and ISP from any supported record shape (top level or `traits`). */
export function asnFromRecord(record: unknown): AsnFields {
  if (!isRec(record)) return { asn: null, asOrg: null, isp: null };
  const traits = isRec(record.traits) ? record.traits : {};
  const asn = num(record.autonomous_system_number) ?? num(traits.autonomous_system_number);
  return {
    asn: asn !== null && Number.isInteger(asn) && asn >= 0 ? asn : null,
    asOrg: str(record.autonomous_system_organization) ?? str(traits.autonomous_system_organization),
    isp: str(record.isp) ?? str(traits.isp),
  };
}
