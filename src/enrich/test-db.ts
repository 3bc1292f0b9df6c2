/**
 * Small databases made for a test: the traceroute and capture tests put AS numbers and places on
 * their 198.18.0.0/15 hosts with these and open them with `openEnricher({ …, lookupPrivate: true })`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { writeMmdb } from "./mmdb-writer.js";
import { mmdbTyped } from "./mmdb-encode.js";

/** One network of a test ASN database. */
export interface TestAsnEntry {
  /** CIDR or single address, IPv4 or IPv6. */
  network: string;
  /** AS number. */
  asn: number;
  /** AS organisation. */
  org: string;
  /** ISP name; when given the record is GeoIP2-ISP shaped. */
  isp?: string;
}

/** One network of a test city database. */
export interface TestCityEntry {
  /** CIDR or single address, IPv4 or IPv6. */
  network: string;
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
  /** City name, English. */
  city?: string;
  /** City names by locale, besides English. */
  cityNames?: Record<string, string>;
  /** Latitude in degrees. */
  lat?: number;
  /** Longitude in degrees. */
  lon?: number;
}

/** Writes a GeoLite2-ASN-shaped MMDB (IPv4 and IPv6) to `path`, creating its directory. Returns `path`. */
export async function writeTestAsnDb(path: string, entries: TestAsnEntry[]): Promise<string> {
  const buf = writeMmdb({
    databaseType: "netreport-Test-ASN",
    description: "test database made by netreport's writeTestAsnDb",
    ipVersion: 6,
    entries: entries.map((e) => ({
      network: e.network,
      data: {
        autonomous_system_number: e.asn,
        autonomous_system_organization: e.org,
        ...(e.isp === undefined ? {} : { isp: e.isp, organization: e.isp }),
      },
    })),
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, buf);
  return path;
}

/** Writes a GeoIP2-City-shaped MMDB (IPv4 and IPv6) to `path`, creating its directory. Returns `path`. */
export async function writeTestCityDb(path: string, entries: TestCityEntry[]): Promise<string> {
  const buf = writeMmdb({
    databaseType: "netreport-Test-City",
    description: "test database made by netreport's writeTestCityDb",
    ipVersion: 6,
    languages: ["en"],
    entries: entries.map((e) => ({
      network: e.network,
      data: {
        country: { iso_code: e.country },
        city: e.city === undefined ? undefined : { names: { en: e.city, ...e.cityNames } },
        location:
          e.lat === undefined || e.lon === undefined ? undefined : { latitude: mmdbTyped("double", e.lat), longitude: mmdbTyped("double", e.lon) },
      },
    })),
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, buf);
  return path;
}
