/**
 * One line of the ip-location-db ASN CSV, parsed without allocating more than its fields.
 *
 * Layout (no header): `ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization`
 * where the range is inclusive and the organisation is quoted RFC 4180 style when it holds a comma
 * or quote (`"Cloudflare, Inc."`, `""` for a literal quote), e.g.
 *   1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
 *   2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project
 */

/** A parsed ASN range row. */
export interface AsnRangeRow {
  /** First address of the inclusive range, as written. */
  first: string;
  /** Last address of the inclusive range, as written. */
  last: string;
  /** The autonomous system number. */
  asn: number;
  /** The organisation, or "" when the row has none. */
  org: string;
}

/** Parses one CSV line; null for a blank or malformed line (wrong field count, bad ASN). */
export function parseAsnCsvLine(line: string): AsnRangeRow | null {
  const c1 = line.indexOf(",");
  const c2 = c1 < 0 ? -1 : line.indexOf(",", c1 + 1);
  const c3 = c2 < 0 ? -1 : line.indexOf(",", c2 + 1);
  if (c3 < 0) return null;
  const asnText = line.slice(c2 + 1, c3);
  if (!/^[0-9]{1,10}$/.test(asnText)) return null;
  const asn = Number(asnText);
  if (asn > 0xffff_ffff) return null;
  let org = line.slice(c3 + 1);
  if (org.endsWith("\r")) org = org.slice(0, -1);
  if (org.startsWith('"')) {
    if (org.length < 2 || !org.endsWith('"')) return null;
    org = org.slice(1, -1).replaceAll('""', '"');
  }
  return { first: line.slice(0, c1), last: line.slice(c1 + 1, c2), asn, org };
}
