/**
 * One-time set-up of the embedded databases: the ip-location-db ASN ranges (CSV) become one MMDB
 * that the same lookup code reads as a user's GeoLite2-ASN file.
 *
 *   asn-ipv4.csv ─┐ 1. stream lines   2. range → fewest CIDRs   3. insert into one IPv6 tree
 *   asn-ipv6.csv ─┘    (IPv4 under ::/96)   4. write asn.mmdb.tmp   5. rename over asn.mmdb
 *
 * Memory grows with the tree (networks), not with the CSV: lines are read one at a time.
 * Idempotent: nothing is done when asn.mmdb is newer than every source file.
 */
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { NetreportError } from "../errors.js";
import { parseAsnCsvLine } from "./asn-csv.js";
import {
  ASN_DB_FILE,
  EMBEDDED_ASN_PACKAGE,
  EMBEDDED_CITY_PACKAGE,
  defaultCacheDir,
  embeddedCityDbs,
  packageDir,
  packageVersion,
} from "./embedded.js";
import { bigIntToIpv6, ipv4RangeToCidrs, ipv4ToNumber, ipv6RangeToCidrs, ipv6ToBigInt, numberToIpv4, parseIpv4Bytes, parseIpv6Bytes } from "./ip.js";
import { MmdbBuilder } from "./mmdb-writer.js";

/** Where the embedded databases are, after {@link prepareEmbeddedDatabases}. */
export interface PreparedDatabases {
  /** The DB-IP city database for IPv4 (read in place from its npm package). */
  city: string;
  /** The DB-IP city database for IPv6. */
  cityIpv6: string;
  /** The prepared ASN database (IPv4 and IPv6 in one tree). */
  asn: string;
  /** True when the ASN database was (re)built now, false when it was already up to date. */
  built: boolean;
  /** Networks written (0 when not rebuilt). */
  networks: number;
  /** CSV lines skipped as malformed (0 when not rebuilt). */
  skippedLines: number;
  /** Wall time in ms. */
  ms: number;
}

/** Options of {@link prepareEmbeddedDatabases}. */
export interface PrepareOptions {
  /** Rebuild even when the output looks up to date. Default false. */
  force?: boolean;
  /** Directory holding asn-ipv4.csv and asn-ipv6.csv. Default: the installed @ip-location-db/asn. */
  asnSourceDir?: string;
}

const SOURCES = ["asn-ipv4.csv", "asn-ipv6.csv"] as const;

/**
 * Makes sure the embedded databases are ready and says where they are. Builds
 * `<cacheDir>/asn.mmdb` (default `node_modules/.cache/netreport/asn.mmdb`) from the ASN CSV when it
 * is missing or older than the CSV. Throws EGEOIP_DB when a package is missing or the build fails.
 */
export async function prepareEmbeddedDatabases(cacheDir: string = defaultCacheDir(), options: PrepareOptions = {}): Promise<PreparedDatabases> {
  const started = performance.now();
  const city = embeddedCityDbs();
  if (!city) throw missingPackage(EMBEDDED_CITY_PACKAGE);
  const sourceDir = options.asnSourceDir ?? packageDir(EMBEDDED_ASN_PACKAGE);
  if (!sourceDir) throw missingPackage(EMBEDDED_ASN_PACKAGE);
  const out = join(cacheDir, ASN_DB_FILE);
  const result = { city: city.ipv4, cityIpv6: city.ipv6, asn: out };

  const sourceTimes = await Promise.all(
    SOURCES.map(async (f) => {
      try {
        return (await stat(join(sourceDir, f))).mtimeMs;
      } catch (cause) {
        throw new NetreportError("EGEOIP_DB", `ASN source ${join(sourceDir, f)} cannot be read`, { cause, hint: `reinstall ${EMBEDDED_ASN_PACKAGE}` });
      }
    }),
  );
  const outTime = await stat(out).then(
    (s) => s.mtimeMs,
    () => -1,
  );
  if (!options.force && outTime > Math.max(...sourceTimes)) {
    return { ...result, built: false, networks: 0, skippedLines: 0, ms: performance.now() - started };
  }

  const version = packageVersion(EMBEDDED_ASN_PACKAGE) ?? "unknown";
  const builder = new MmdbBuilder({
    databaseType: "netreport-ASN",
    description: `AS numbers from ${EMBEDDED_ASN_PACKAGE} ${version} (RouteViews, NRO, DB-IP; CC BY 4.0)`,
    ipVersion: 6,
  });
  let networks = 0;
  let skippedLines = 0;
  for (const file of SOURCES) {
    const counts = await insertCsv(builder, join(sourceDir, file), file.includes("ipv6") ? 6 : 4);
    networks += counts.networks;
    skippedLines += counts.skipped;
  }
  if (networks === 0) {
    throw new NetreportError("EGEOIP_DB", `no ASN ranges could be read from ${sourceDir}`, { hint: `reinstall ${EMBEDDED_ASN_PACKAGE}` });
  }

  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(tmp, builder.toBuffer());
    await rename(tmp, out);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new NetreportError("EGEOIP_DB", `cannot write the ASN database ${out}`, { cause, hint: "check that the cache directory is writable" });
  }
  return { ...result, built: true, networks, skippedLines, ms: performance.now() - started };
}

/** Streams one ASN CSV into the builder; returns networks inserted and lines skipped. */
async function insertCsv(builder: MmdbBuilder, file: string, family: 4 | 6): Promise<{ networks: number; skipped: number }> {
  let networks = 0;
  let skipped = 0;
  // Rows of one AS share one record object, so the writer's de-duplication key is computed once.
  const records = new Map<string, { autonomous_system_number: number; autonomous_system_organization?: string }>();
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === "") continue;
      const row = parseAsnCsvLine(line);
      if (!row) {
        skipped++;
        continue;
      }
      const key = `${row.asn}\u0000${row.org}`;
      let record = records.get(key);
      if (!record) {
        record = row.org === "" ? { autonomous_system_number: row.asn } : { autonomous_system_number: row.asn, autonomous_system_organization: row.org };
        records.set(key, record);
      }
      const data = record;
      if (family === 4) {
        const a = parseIpv4Bytes(row.first);
        const b = parseIpv4Bytes(row.last);
        if (!a || !b || ipv4ToNumber(a) > ipv4ToNumber(b)) {
          skipped++;
          continue;
        }
        ipv4RangeToCidrs(ipv4ToNumber(a), ipv4ToNumber(b), (start, prefix) => {
          builder.insertBytes(numberToIpv4(start), prefix, data);
          networks++;
        });
      } else {
        const a = parseIpv6Bytes(row.first);
        const b = parseIpv6Bytes(row.last);
        if (!a || !b) {
          skipped++;
          continue;
        }
        const first = ipv6ToBigInt(a);
        const last = ipv6ToBigInt(b);
        if (first > last) {
          skipped++;
          continue;
        }
        ipv6RangeToCidrs(first, last, (start, prefix) => {
          builder.insertBytes(bigIntToIpv6(start), prefix, data);
          networks++;
        });
      }
    }
  } catch (cause) {
    throw new NetreportError("EGEOIP_DB", `cannot read ASN ranges from ${file}`, { cause });
  }
  return { networks, skipped };
}

function missingPackage(name: string): NetreportError {
  return new NetreportError("EGEOIP_DB", `the embedded database package ${name} is not installed`, {
    hint: "run npm ci (it is a regular dependency of netreport), or pass --geoip-db/--asn-db",
  });
}
