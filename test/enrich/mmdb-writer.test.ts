import { readFileSync } from "node:fs";
import { Reader } from "maxmind";
import { describe, expect, it } from "vitest";
import { isNetreportError } from "../../src/errors.js";
import { formatIp, parseCidr } from "../../src/enrich/ip.js";
import { mmdbTyped } from "../../src/enrich/mmdb-encode.js";
import { METADATA_MARKER, MmdbBuilder, writeMmdb, type MmdbEntry } from "../../src/enrich/mmdb-writer.js";

const MMDB = "../shared/data/mmdb";

/** First and last address of a CIDR, and the addresses just outside it (null at the space's ends). */
function edges(network: string): { first: string; last: string; before: string | null; after: string | null } {
  const c = parseCidr(network)!;
  const width = c.bytes.length * 8;
  let n = 0n;
  for (const b of c.bytes) n = (n << 8n) | BigInt(b);
  const size = 1n << BigInt(width - c.prefix);
  const toText = (v: bigint): string => {
    const out = new Uint8Array(c.bytes.length);
    for (let i = out.length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return formatIp(out);
  };
  const max = (1n << BigInt(width)) - 1n;
  return {
    first: toText(n),
    last: toText(n + size - 1n),
    before: n === 0n ? null : toText(n - 1n),
    after: n + size - 1n === max ? null : toText(n + size),
  };
}

const rich = {
  name: "Cloudflare, Inc.",
  names: { en: "United States", "zh-CN": "美国", ja: "アメリカ合衆国", ru: "США" },
  asn: 13335,
  big: 4_294_967_295,
  neg: -42,
  lat: 37.751,
  whole: mmdbTyped("double", 13),
  f: mmdbTyped("float", 1.5),
  u16: mmdbTyped("uint16", 65535),
  u64: 18_446_744_073_709_551_615n,
  u128: (1n << 127n) + 5n,
  yes: true,
  no: false,
  bytes: Uint8Array.of(0, 1, 254, 255),
  list: [1, "two", { three: [3.5, false] }, []],
  empty: {},
  long: "x".repeat(300),
  longer: "长".repeat(25_000),
};
const richExpected = {
  ...rich,
  whole: 13,
  f: 1.5,
  u16: 65535,
  u64: 18_446_744_073_709_551_615n,
  u128: (1n << 127n) + 5n,
  bytes: Buffer.from([0, 1, 254, 255]),
};

describe("writeMmdb → maxmind reader round trip", () => {
  for (const recordSize of [24, 28, 32] as const) {
    it(`IPv4 tree, ${recordSize}-bit records: every type and each network's edges`, () => {
      const entries: MmdbEntry[] = [
        { network: "1.0.0.0/24", data: rich },
        { network: "8.8.8.8/32", data: { asn: 15169, org: "Google LLC" } },
        { network: "128.0.0.0/1", data: { half: "upper" } },
        { network: "0.0.0.0/8", data: { zero: 0 } },
      ];
      const buf = writeMmdb({ databaseType: "Test-Rich", description: "round trip", ipVersion: 4, recordSize, entries });
      const r = new Reader<any>(buf);
      expect(r.metadata.recordSize).toBe(recordSize);
      expect(r.metadata.ipVersion).toBe(4);
      expect(r.metadata.databaseType).toBe("Test-Rich");
      expect(r.metadata.description).toEqual({ en: "round trip" });
      expect(r.metadata.binaryFormatMajorVersion).toBe(2);
      expect(Math.abs(r.metadata.buildEpoch.getTime() - Date.now())).toBeLessThan(60_000);
      expect(r.get("1.0.0.77")).toEqual(richExpected);
      for (const e of entries) {
        const { first, last, before, after } = edges(e.network);
        const expected = e.data === rich ? richExpected : e.data;
        expect(r.getWithPrefixLength(first)).toEqual([expected, parseCidr(e.network)!.prefix]);
        expect(r.get(last)).toEqual(expected);
        if (before && !before.startsWith("0.") && !before.startsWith("127.")) expect(r.get(before)).toBeNull();
        if (after && e.network !== "0.0.0.0/8" && !after.startsWith("128.")) expect(r.get(after)).toBeNull();
      }
      expect(r.get("7.255.255.255")).toBeNull();
      expect(r.get("127.255.255.255")).toBeNull();
    });
  }

  it("IPv6 tree holds IPv6 networks and IPv4 networks under ::/96", () => {
    const entries: MmdbEntry[] = [
      { network: "2001:db8::/32", data: { doc: true } },
      { network: "2001:db8:1::/48", data: { doc: "more specific" } },
      { network: "198.18.0.0/15", data: { autonomous_system_number: 64512, autonomous_system_organization: "Bench 实验室" } },
      { network: "::203.0.113.0/120", data: { from: "::/96 form" } },
      { network: "fe80::1/128", data: { host: 1 } },
    ];
    const r = new Reader<any>(writeMmdb({ databaseType: "Test-V6", ipVersion: 6, entries }));
    expect(r.metadata.ipVersion).toBe(6);
    // The /48 inside split the /32, so the reader reports the /33 half it found the record in.
    expect(r.getWithPrefixLength("2001:db8:ffff:ffff::1")).toEqual([{ doc: true }, 33]);
    expect(r.getWithPrefixLength("2001:db8:1:ffff::")).toEqual([{ doc: "more specific" }, 48]);
    expect(r.get("2001:db9::")).toBeNull();
    expect(r.get("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")).toBeNull();
    // The reader reports IPv4 prefix lengths relative to the IPv4 space.
    expect(r.getWithPrefixLength("198.19.255.255")).toEqual([entries[2]!.data, 15]);
    expect(r.get("198.18.0.0")).toEqual(entries[2]!.data);
    expect(r.get("198.20.0.0")).toBeNull();
    expect(r.get("198.17.255.255")).toBeNull();
    expect(r.get("203.0.113.255")).toEqual({ from: "::/96 form" });
    expect(r.get("fe80::1")).toEqual({ host: 1 });
    expect(r.get("fe80::2")).toBeNull();
  });

  it("more specific networks win whatever the order; the same network's last insert wins", () => {
    const nets = ["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/12", "10.1.2.0/24", "10.1.2.0/24"];
    const orders = [
      [0, 1, 2, 3, 4],
      [3, 4, 1, 2, 0],
      [1, 3, 0, 4, 2],
    ];
    for (const order of orders) {
      const b = new MmdbBuilder({ databaseType: "Test-Overlap", ipVersion: 4 });
      for (const i of order) b.insert(nets[i]!, { net: nets[i]!, i });
      const r = new Reader<any>(b.toBuffer());
      const lastOf24 = Math.max(order.indexOf(3), order.indexOf(4)) === order.indexOf(4) ? 4 : 3;
      expect(r.get("10.1.2.3")).toEqual({ net: "10.1.2.0/24", i: lastOf24 });
      expect(r.get("10.1.3.0")).toEqual({ net: "10.1.0.0/16", i: 1 });
      expect(r.get("10.2.0.0")).toEqual({ net: "10.0.0.0/12", i: 2 });
      expect(r.get("10.16.0.0")).toEqual({ net: "10.0.0.0/8", i: 0 });
      expect(r.get("11.0.0.0")).toBeNull();
    }
  });

  it("a /0 network covers everything not more specific", () => {
    const r = new Reader<any>(
      writeMmdb({ databaseType: "T", ipVersion: 4, entries: [{ network: "1.2.3.4/32", data: "host" }, { network: "0.0.0.0/0", data: "all" }] }),
    );
    expect(r.get("1.2.3.4")).toBe("host");
    expect(r.get("255.255.255.255")).toBe("all");
    expect(r.get("0.0.0.0")).toBe("all");
  });

  it("repeated values are written once (pointers), so many networks cost little data", () => {
    const org = { autonomous_system_number: 64500, autonomous_system_organization: "Same Organisation 同一组织 Ltd" };
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ network: `100.${(i >> 8) & 255}.${i & 255}.0/24`, data: { ...org, note: `n${i % 7}` } }));
    const small = writeMmdb({ databaseType: "T", ipVersion: 4, entries: many(7) });
    const big = writeMmdb({ databaseType: "T", ipVersion: 4, entries: many(7000) });
    const r = new Reader<any>(big);
    expect(r.get("100.27.87.1")).toEqual({ ...org, note: `n${((27 << 8) | 87) % 7}` });
    // Tree nodes grow with the networks; the data section stays that of 7 distinct records.
    const dataBytes = (buf: Buffer) => buf.lastIndexOf(METADATA_MARKER) - new Reader(buf).metadata.searchTreeSize - 16;
    expect(dataBytes(big)).toBe(dataBytes(small));
    expect(dataBytes(big)).toBeLessThan(7 * 80);
  });

  for (const recordSize of [28, 32] as const) {
    it(`${recordSize}-bit records carry values past 2^24 (data section over 16 MiB)`, () => {
      const huge = "a".repeat(16_800_000);
      const buf = writeMmdb({
        databaseType: "T",
        ipVersion: 6,
        recordSize,
        entries: [
          { network: "2001:db8::/33", data: { huge } },
          { network: "2001:db8:8000::/33", data: { after: "the huge one" } },
          { network: "192.0.2.0/24", data: { v4: "also after" } },
        ],
      });
      const r = new Reader<any>(buf);
      expect(r.get("2001:db8:8000::1")).toEqual({ after: "the huge one" });
      expect(r.get("192.0.2.200")).toEqual({ v4: "also after" });
      expect(r.get("2001:db8::1").huge.length).toBe(16_800_000);
    });
  }

  it("refuses record sizes that cannot hold the values, bad networks and null values", () => {
    const huge = "a".repeat(16_800_000);
    const tooBig = () =>
      writeMmdb({ databaseType: "T", ipVersion: 4, recordSize: 24, entries: [{ network: "1.0.0.0/24", data: huge }, { network: "2.0.0.0/24", data: "x" }] });
    expect(tooBig).toThrowError(/24-bit records/);
    for (const bad of [() => writeMmdb({ databaseType: "T", entries: [{ network: "1.2.3.0/33", data: 1 }] }), () => writeMmdb({ databaseType: "T", ipVersion: 4, entries: [{ network: "2001:db8::/32", data: 1 }] }), () => writeMmdb({ databaseType: "T", entries: [{ network: "1.2.3.0/24", data: { x: null as never } }] })]) {
      try {
        bad();
        expect.unreachable("should throw");
      } catch (e) {
        expect(isNetreportError(e, "EGEOIP_DB")).toBe(true);
      }
    }
  });
});

/** Networks of a MaxMind source JSON that no other network of the same file overlaps. */
function isolatedNetworks(source: Record<string, unknown>[]): [string, unknown][] {
  const all = source.map((o) => Object.entries(o)[0]!);
  const keyOf = (n: string) => {
    const c = parseCidr(n)!;
    let bits = "";
    const bytes = c.version === 4 ? Uint8Array.from([...new Uint8Array(12), ...c.bytes]) : c.bytes;
    const prefix = c.version === 4 ? c.prefix + 96 : c.prefix;
    for (let i = 0; i < prefix; i++) bits += (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
    return bits;
  };
  // Sorted bit strings: a network that contains another sorts right before it or its siblings.
  const sorted = all.map(([n], i) => ({ key: keyOf(n), i })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const overlapping = new Set<number>();
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k]!.key.startsWith(sorted[k - 1]!.key)) {
      overlapping.add(sorted[k]!.i);
      overlapping.add(sorted[k - 1]!.i);
    }
  }
  return all.filter((_, i) => !overlapping.has(i));
}

describe("writeMmdb agrees with MaxMind's own test databases built from the same source JSON", () => {
  for (const name of ["GeoIP2-City-Test", "GeoLite2-ASN-Test", "GeoIP2-ISP-Test"]) {
    it(name, () => {
      const source = JSON.parse(readFileSync(`${MMDB}/source-data/${name}.json`, "utf8")) as Record<string, any>[];
      const official = new Reader<any>(readFileSync(`${MMDB}/test-data/${name}.mmdb`));
      const entries = source.map((o) => {
        const [network, data] = Object.entries(o)[0]!;
        return { network, data };
      });
      const mine = new Reader<any>(writeMmdb({ databaseType: name, ipVersion: 6, entries }));
      const nets = isolatedNetworks(source);
      expect(nets.length).toBeGreaterThan(source.length / 2);
      let compared = 0;
      for (const [network, data] of nets) {
        const { first, last } = edges(network);
        for (const ip of [first, last]) {
          const ours = mine.get(ip);
          expect(ours).toEqual(data);
          expect(ours).toEqual(official.get(ip));
          compared++;
        }
      }
      expect(compared).toBe(nets.length * 2);
    });
  }
});
