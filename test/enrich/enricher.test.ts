import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNetreportError, NetreportError } from "../../src/errors.js";
import { openEnricher, type Enricher } from "../../src/enrich/enricher.js";
import { ipv4ToNumber, parseCidr, parseIp } from "../../src/enrich/ip.js";
import { writeTestAsnDb, writeTestCityDb } from "../../src/enrich/test-db.js";

const MMDB = "../shared/data/mmdb";
const testDb = (name: string) => `${MMDB}/test-data/${name}.mmdb`;
const tmp = mkdtempSync(join(tmpdir(), "netreport-enrich-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- EXPECTED_IPv4_SUMMARY.tsv: one row per (database, IPv4 network) of MaxMind's source JSON ----
interface Row {
  db: string;
  network: string;
  country: string;
  city: string;
  lat: string;
  lon: string;
  asn: string;
  asOrg: string;
}
const rows: Row[] = readFileSync(`${MMDB}/EXPECTED_IPv4_SUMMARY.tsv`, "utf8")
  .split("\n")
  .slice(1)
  .filter((l) => l.trim() !== "")
  .map((l) => {
    const f = l.split("\t");
    return { db: f[0]!, network: f[1]!, country: f[3]!, city: f[5]!, lat: f[8]!, lon: f[9]!, asn: f[11]!, asOrg: f[12]! };
  });

/** Range of an IPv4 CIDR as numbers. */
const spans = new Map<string, { first: number; last: number; prefix: number }>();
const span = (network: string) => {
  let s = spans.get(network);
  if (!s) {
    const c = parseCidr(network)!;
    const first = ipv4ToNumber(c.bytes);
    s = { first, last: first + 2 ** (32 - c.prefix) - 1, prefix: c.prefix };
    spans.set(network, s);
  }
  return s;
};
const ipOf = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** The row a lookup of `ip` must answer with: the most specific network of the same database holding it. */
function expectedRow(dbRows: Row[], n: number): Row {
  let best: Row | undefined;
  let bestPrefix = -1;
  for (const r of dbRows) {
    const s = span(r.network);
    if (n >= s.first && n <= s.last && s.prefix > bestPrefix) {
      best = r;
      bestPrefix = s.prefix;
    }
  }
  return best!;
}

const orNull = (s: string) => (s === "" ? null : s);

describe("MaxMind test databases answer what their source data says (EXPECTED_IPv4_SUMMARY.tsv)", () => {
  const dbs = [...new Set(rows.map((r) => r.db))];
  it("the summary covers City, Country and ASN databases with enough rows", () => {
    expect(dbs).toEqual(expect.arrayContaining(["GeoIP2-City-Test", "GeoIP2-Country-Test", "GeoLite2-ASN-Test", "GeoLite2-City-Test", "GeoLite2-Country-Test"]));
    expect(rows.length).toBeGreaterThan(500);
  });

  for (const name of dbs) {
    it(name, async () => {
      const isAsn = name.includes("ASN");
      const e = await openEnricher({ cityDb: isAsn ? false : testDb(name), asnDb: isAsn ? testDb(name) : false, lookupPrivate: true });
      const dbRows = rows.filter((r) => r.db === name);
      let checked = 0;
      for (const r of dbRows) {
        const s = span(r.network);
        // First, last and middle address of each network.
        for (const n of new Set([s.first, s.last, Math.floor((s.first + s.last) / 2)])) {
          const want = expectedRow(dbRows, n);
          const got = e.lookup(ipOf(n));
          const where = `${name} ${ipOf(n)} (${want.network})`;
          if (isAsn) {
            expect(got.asn, where).toBe(want.asn === "" ? null : Number(want.asn));
            expect(got.asOrg, where).toBe(orNull(want.asOrg));
            expect(got.country, where).toBeNull();
          } else {
            expect(got.country?.code ?? null, where).toBe(orNull(want.country));
            expect(got.city, where).toBe(orNull(want.city));
            if (want.lat === "") expect(got.lat, where).toBeNull();
            else expect(got.lat!, where).toBeCloseTo(Number(want.lat), 3);
            if (want.lon === "") expect(got.lon, where).toBeNull();
            else expect(got.lon!, where).toBeCloseTo(Number(want.lon), 3);
            expect(got.asn, where).toBeNull();
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(dbRows.length);
      e.close();
    });
  }
});

describe("GeoIP2-ISP-Test answers what its source JSON says (IPv4 and IPv6)", () => {
  it("asn, organisation and isp for every network no other network overlaps", async () => {
    const source = JSON.parse(readFileSync(`${MMDB}/source-data/GeoIP2-ISP-Test.json`, "utf8")) as Record<string, Record<string, unknown>>[];
    const e = await openEnricher({ cityDb: false, asnDb: testDb("GeoIP2-ISP-Test"), lookupPrivate: true });
    // Keep networks whose first address no other (more specific) network claims: compare by lookup
    // of the first address only where the network is the most specific one holding it.
    const nets = source.map((o) => Object.entries(o)[0]!).map(([network, data]) => ({ network, data, c: parseCidr(network)! }));
    const key = (c: ReturnType<typeof parseCidr> & object) => {
      const bytes = c.version === 4 ? Uint8Array.from([...new Uint8Array(12), ...c.bytes]) : c.bytes;
      const prefix = c.version === 4 ? c.prefix + 96 : c.prefix;
      let bits = "";
      for (let i = 0; i < prefix; i++) bits += (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
      return bits;
    };
    const keys = nets.map((n) => key(n.c));
    const sortedKeys = [...keys].sort();
    let checked = 0;
    for (let i = 0; i < nets.length; i++) {
      // The network's first address lies in a longer network iff a longer key starts with this key + "0…".
      const k = keys[i]!;
      const firstBitsTaken = sortedKeys.some((o) => o.length > k.length && o.startsWith(k) && /^0*$/.test(o.slice(k.length)));
      if (firstBitsTaken || keys.indexOf(k) !== i || keys.lastIndexOf(k) !== i) continue;
      const { data, c } = nets[i]!;
      const ip = c.version === 6 && c.bytes.subarray(0, 12).every((b) => b === 0) ? c.bytes.subarray(12).join(".") : c.text;
      const got = e.lookup(ip);
      expect(got.asn, ip).toBe((data.autonomous_system_number as number | undefined) ?? null);
      expect(got.asOrg, ip).toBe((data.autonomous_system_organization as string | undefined) ?? null);
      expect(got.isp, ip).toBe((data.isp as string | undefined) ?? null);
      checked++;
    }
    expect(checked).toBeGreaterThan(nets.length / 2);
    e.close();
  });
});

describe("localised names", () => {
  it("zh-CN country names come from Intl and agree with MaxMind's own zh-CN names", async () => {
    const source = JSON.parse(readFileSync(`${MMDB}/source-data/GeoIP2-City-Test.json`, "utf8")) as Record<string, any>[];
    const en = await openEnricher({ cityDb: testDb("GeoIP2-City-Test"), asnDb: false });
    const zh = await openEnricher({ cityDb: testDb("GeoIP2-City-Test"), asnDb: false, locale: "zh-CN" });
    expect(zh.lookup("216.160.83.56").country).toEqual({ code: "US", name: "美国" });
    expect(en.lookup("216.160.83.56").country).toEqual({ code: "US", name: "United States" });
    expect(zh.lookup("81.2.69.142").country).toEqual({ code: "GB", name: "英国" });
    // City: zh-CN name where the database has one (长春, 林雪平), English otherwise.
    expect(zh.lookup("175.16.199.1").city).toBe("长春");
    expect(zh.lookup("89.160.20.113").city).toBe("林雪平");
    expect(zh.lookup("81.2.69.142").city).toBe("London");
    let agreeing = 0;
    for (const o of source) {
      const [network, rec] = Object.entries(o)[0]!;
      const zhName = rec.country?.names?.["zh-CN"];
      if (!zhName || !network.startsWith("::") || parseCidr(network)!.prefix < 96) continue;
      const ip = parseCidr(network)!.bytes.subarray(12).join(".");
      const got = zh.lookup(ip);
      if (got.country?.code !== rec.country.iso_code) continue; // a more specific network answered
      // ICU and GeoNames mostly agree; both must at least be CJK, never the English name.
      expect(got.country!.name).toMatch(/[\u4e00-\u9fff]/);
      if (got.country!.name === zhName) agreeing++;
    }
    expect(agreeing).toBeGreaterThan(5);
    expect(zh.lookup("10.0.0.1").scopeLabel).toBe("私有地址 (RFC 1918)");
  });
});

describe("scopes, caching, test databases", () => {
  let e: Enricher;
  it("non-public addresses are labelled and not looked up unless lookupPrivate", async () => {
    const asn = await writeTestAsnDb(join(tmp, "asn.mmdb"), [
      { network: "198.18.1.0/24", asn: 64512, org: "Lab Transit 实验" },
      { network: "198.18.2.0/24", asn: 64513, org: "Lab Edge", isp: "Edge ISP" },
      { network: "10.0.0.0/8", asn: 64514, org: "Inside" },
      { network: "2001:db8::/32", asn: 64515, org: "Docs v6" },
    ]);
    const city = await writeTestCityDb(join(tmp, "city.mmdb"), [
      { network: "198.18.0.0/15", country: "CN", city: "Shanghai", cityNames: { "zh-CN": "上海" }, lat: 31.2222, lon: 121.4581 },
    ]);
    const plain = await openEnricher({ cityDb: city, asnDb: asn });
    const hidden = plain.lookup("198.18.1.1");
    expect(hidden).toMatchObject({ ip: "198.18.1.1", scope: "benchmark", scopeLabel: "benchmarking (RFC 2544)", country: null, asn: null, city: null });

    e = await openEnricher({ cityDb: city, asnDb: asn, lookupPrivate: true, locale: "zh-CN", cacheSize: 3 });
    expect(e.lookup("198.18.1.1")).toEqual({
      ip: "198.18.1.1",
      scope: "benchmark",
      scopeLabel: "基准测试地址 (RFC 2544)",
      country: { code: "CN", name: "中国" },
      city: "上海",
      lat: 31.2222,
      lon: 121.4581,
      asn: 64512,
      asOrg: "Lab Transit 实验",
      isp: null,
    });
    expect(e.lookup("198.18.2.9")).toMatchObject({ asn: 64513, isp: "Edge ISP" });
    expect(e.lookup("::ffff:10.9.9.9")).toMatchObject({ ip: "::ffff:a09:909", scope: "private", asn: 64514 });
    expect(e.lookup("2001:db8::5")).toMatchObject({ scope: "documentation", asn: 64515, country: null });
    expect(e.lookup("198.18.3.1")).toMatchObject({ asn: null, country: { code: "CN" } });
    expect(e.attribution).toEqual([
      expect.stringContaining("netreport-Test-City (city.mmdb, built "),
      expect.stringContaining("netreport-Test-ASN (asn.mmdb, built "),
    ]);
    expect(e.sources.map((s) => [s.role, s.embedded])).toEqual([
      ["city", false],
      ["asn", false],
    ]);
  });

  it("caches answers in a bounded LRU", () => {
    const a = e.lookup("198.18.1.1");
    const before = e.stats();
    expect(e.lookup("198.18.1.1")).toBe(a);
    expect(e.lookup("198.18.1.1")).toBe(a);
    const mid = e.stats();
    expect(mid.hits).toBe(before.hits + 2);
    expect(mid.size).toBeLessThanOrEqual(3);
    for (const ip of ["198.18.1.2", "198.18.1.3", "198.18.1.4"]) e.lookup(ip);
    expect(e.stats().size).toBe(3);
    // 198.18.1.1 was evicted: the next lookup misses, and gives an equal but new answer.
    const missesBefore = e.stats().misses;
    const again = e.lookup("198.18.1.1");
    expect(e.stats().misses).toBe(missesBefore + 1);
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
    expect(Object.isFrozen(again)).toBe(true);
  });

  it("bad addresses throw EIP_ADDRESS; a closed enricher throws", () => {
    for (const bad of ["", "1.2.3.256", "example.com", "<script>"]) {
      expect(() => e.lookup(bad)).toThrowError(NetreportError);
      try {
        e.lookup(bad);
      } catch (err) {
        expect(isNetreportError(err, "EIP_ADDRESS")).toBe(true);
      }
    }
    e.close();
    expect(() => e.lookup("198.18.1.1")).toThrowError(/closed/);
  });

  it("IPv6 addresses skip IPv4-only databases instead of reading a wrong record", async () => {
    const v4only = await openEnricher({ cityDb: testDb("GeoIP2-City-Test").replace("GeoIP2-City-Test", "MaxMind-DB-test-ipv4-24"), asnDb: false });
    expect(v4only.lookup("2001:4860::1")).toMatchObject({ scope: "public", country: null, city: null });
    const mixed = await openEnricher({ cityDb: testDb("GeoIP2-City-Test"), asnDb: false });
    expect(mixed.lookup("2001:218::1").country?.code).toBe("JP");
  });
});

describe("missing and corrupt databases give EGEOIP_DB naming the file", () => {
  const truncated = join(tmp, "truncated.mmdb");
  const garbage = join(tmp, "garbage.mmdb");
  copyFileSync(testDb("GeoIP2-City-Test"), join(tmp, "whole.mmdb"));
  writeFileSync(truncated, readFileSync(testDb("GeoIP2-City-Test")).subarray(0, 9000));
  writeFileSync(garbage, Buffer.from("this is not a MaxMind database\n".repeat(40)));
  const cases: [string, string][] = [
    ["GeoIP2-City-Test-Broken-Double-Format", testDb("GeoIP2-City-Test-Broken-Double-Format")],
    ["GeoIP2-City-Test-Invalid-Node-Count", testDb("GeoIP2-City-Test-Invalid-Node-Count")],
    ["MaxMind-DB-test-broken-pointers-24", testDb("MaxMind-DB-test-broken-pointers-24")],
    ["MaxMind-DB-test-broken-search-tree-24", testDb("MaxMind-DB-test-broken-search-tree-24")],
    ["maps-with-pointers.raw (not a database)", `${MMDB}/test-data/maps-with-pointers.raw`],
    ["missing file", join(tmp, "no-such.mmdb")],
    ["truncated copy", truncated],
    ["garbage", garbage],
  ];
  it.each(cases)("%s", async (_label, path) => {
    for (const opts of [{ cityDb: path, asnDb: false as const }, { cityDb: false as const, asnDb: [testDb("GeoLite2-ASN-Test"), path] }]) {
      const err = await openEnricher(opts).then(
        () => null,
        (x: unknown) => x,
      );
      expect(isNetreportError(err, "EGEOIP_DB"), String(err)).toBe(true);
      expect((err as NetreportError).message).toContain(path);
      expect((err as NetreportError).where).toBe(path);
    }
  });

  it("the sound databases of the same folder all open and verify", async () => {
    for (const name of ["GeoIP2-City-Test", "GeoIP2-Country-Test", "GeoLite2-ASN-Test", "GeoIP2-ISP-Test", "GeoIP2-Enterprise-Test", "MaxMind-DB-test-nested", "MaxMind-DB-test-mixed-28", "MaxMind-DB-test-ipv6-32", "MaxMind-DB-test-decoder", "MaxMind-DB-test-pointer-decoder"]) {
      const e = await openEnricher({ cityDb: testDb(name), asnDb: false });
      e.close();
    }
    expect(parseIp("1.1.1.1")).not.toBeNull();
  });

  it("with verify off, a corrupt record still surfaces as EGEOIP_DB at lookup, not a crash", async () => {
    const e = await openEnricher({ cityDb: testDb("MaxMind-DB-test-broken-pointers-24"), asnDb: false, verify: false, lookupPrivate: true });
    const errors: unknown[] = [];
    for (let i = 0; i < 64; i++) {
      try {
        e.lookup(`1.1.1.${i}`);
      } catch (x) {
        errors.push(x);
      }
    }
    expect(errors.length).toBeGreaterThan(0);
    for (const x of errors) {
      expect(isNetreportError(x, "EGEOIP_DB")).toBe(true);
      expect((x as Error).message).toContain("MaxMind-DB-test-broken-pointers-24.mmdb");
    }
  });
});
