import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import {
  bigIntToIpv6,
  embeddedIpv4,
  formatIp,
  ipv4RangeToCidrs,
  ipv6RangeToCidrs,
  ipv6ToBigInt,
  parseCidr,
  parseIp,
} from "../../src/enrich/ip.js";
import { classifyScope, scopeLabel, type IpScope } from "../../src/enrich/scope.js";

/** WHATWG URL serialises IPv6 hosts in RFC 5952 form: an independent canonicaliser. */
const urlCanonical = (ip: string) => new URL(`http://[${ip}]/`).hostname.slice(1, -1);

describe("parseIp / formatIp", () => {
  const v6 = [
    "::",
    "::1",
    "1::",
    "2001:db8::1",
    "2001:DB8:0:0:1:0:0:1",
    "2001:db8:0:1:1:1:1:1",
    "fe80::1:2:3:4",
    "::ffff:192.0.2.1",
    "64:ff9b::8.8.8.8",
    "1:2:3:4:5:6:7:8",
    "1:0:0:2:0:0:0:3",
    "0:0:1::",
    "2001:db8::a:0:0:1",
    "1:2:3:4:5:6:1.2.3.4",
  ];
  it.each(v6)("IPv6 %s parses and formats like the URL parser", (ip) => {
    const p = parseIp(ip)!;
    expect(p.version).toBe(6);
    expect(p.text).toBe(urlCanonical(ip));
    expect(parseIp(p.text)!.bytes).toEqual(p.bytes);
  });

  const bad = ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-1", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1.2.3.4/24", "::1.2.3", "::256.1.1.1", "1:2:3:4:5:6:7:1.2.3.4", "localhost"];
  it.each(bad)("rejects %j exactly as node:net does", (ip) => {
    expect(parseIp(ip)).toBeNull();
    expect(isIP(ip)).toBe(0);
  });

  it("IPv4 and zone ids", () => {
    expect(parseIp("192.168.0.1")).toMatchObject({ version: 4, text: "192.168.0.1" });
    expect(parseIp(" 8.8.8.8 ")!.text).toBe("8.8.8.8");
    expect(parseIp("fe80::1%eth0")!.text).toBe("fe80::1");
    expect(formatIp(Uint8Array.of(0, 0, 0, 0))).toBe("0.0.0.0");
  });

  it("IPv4-mapped and NAT64 addresses carry their IPv4", () => {
    expect(formatIp(embeddedIpv4(parseIp("::ffff:8.8.4.4")!.bytes)!)).toBe("8.8.4.4");
    expect(formatIp(embeddedIpv4(parseIp("64:ff9b::c000:201")!.bytes)!)).toBe("192.0.2.1");
    expect(embeddedIpv4(parseIp("2001:db8::8.8.8.8")!.bytes)).toBeNull();
  });
});

describe("parseCidr", () => {
  it("clears host bits and keeps the prefix", () => {
    expect(parseCidr("10.1.2.3/8")).toMatchObject({ text: "10.0.0.0", prefix: 8 });
    expect(parseCidr("2001:db8::ff/120")).toMatchObject({ text: "2001:db8::", prefix: 120 });
    expect(parseCidr("1.2.3.4")).toMatchObject({ prefix: 32 });
    expect(parseCidr("::214.0.0.0/120")).toMatchObject({ version: 6, prefix: 120, text: "::d600:0" });
    for (const bad of ["1.2.3.4/33", "::/129", "1.2.3.4/", "1.2.3.4/x", "x/8"]) expect(parseCidr(bad)).toBeNull();
  });
});

describe("range → CIDR", () => {
  // Deterministic pseudo-random ranges; every split must tile the range with aligned blocks.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  it("IPv4: blocks are aligned, contiguous, cover exactly the range, and are as few as possible", () => {
    const cases: [number, number][] = [
      [0, 2 ** 32 - 1],
      [0, 0],
      [16777216, 16777471],
      [2 ** 32 - 1, 2 ** 32 - 1],
      ...Array.from({ length: 200 }, (): [number, number] => {
        const a = Math.floor(rnd() * 2 ** 32);
        return [a, Math.min(2 ** 32 - 1, a + Math.floor(rnd() * 2 ** (rnd() * 24)))];
      }),
    ];
    for (const [first, last] of cases) {
      let next = first;
      let blocks = 0;
      ipv4RangeToCidrs(first, last, (start, prefix) => {
        const size = 2 ** (32 - prefix);
        expect(start).toBe(next);
        expect(start % size).toBe(0);
        // Maximal: the aligned block twice as big that holds this one sticks out of the range.
        if (prefix > 0) {
          const bigStart = start - (start % (size * 2));
          expect(bigStart < first || bigStart + size * 2 - 1 > last).toBe(true);
        }
        next = start + size;
        blocks++;
      });
      expect(next).toBe(last + 1);
      expect(blocks).toBeLessThanOrEqual(62);
    }
    const out: string[] = [];
    ipv4RangeToCidrs(0x01000400, 0x010007ff, (s, p) => out.push(`${s.toString(16)}/${p}`));
    expect(out).toEqual(["1000400/22"]);
  });

  it("IPv6 tiles like IPv4", () => {
    const first = ipv6ToBigInt(parseIp("2001:200::")!.bytes);
    const last = ipv6ToBigInt(parseIp("2001:200:1b9:ffff:ffff:ffff:ffff:ffff")!.bytes);
    const out: string[] = [];
    let next = first;
    ipv6RangeToCidrs(first, last, (s, p) => {
      expect(s).toBe(next);
      next = s + (1n << BigInt(128 - p));
      out.push(`${formatIp(bigIntToIpv6(s))}/${p}`);
    });
    expect(next).toBe(last + 1n);
    expect(out.slice(0, 3)).toEqual(["2001:200::/40", "2001:200:100::/41", "2001:200:180::/43"]);
  });
});

describe("scope classification", () => {
  const table: [string, IpScope, string][] = [
    ["8.8.8.8", "public", "public"],
    ["1.1.1.1", "public", "public"],
    ["10.0.0.1", "private", "private (RFC 1918)"],
    ["172.16.0.1", "private", "private (RFC 1918)"],
    ["172.31.255.255", "private", "private (RFC 1918)"],
    ["172.32.0.0", "public", "public"],
    ["192.168.1.1", "private", "private (RFC 1918)"],
    ["127.0.0.1", "loopback", "loopback (RFC 1122)"],
    ["169.254.10.1", "link-local", "link-local (RFC 3927)"],
    ["224.0.0.251", "multicast", "multicast (RFC 5771)"],
    ["239.255.255.250", "multicast", "multicast (RFC 5771)"],
    ["192.0.2.10", "documentation", "documentation (TEST-NET-1, RFC 5737)"],
    ["198.51.100.7", "documentation", "documentation (TEST-NET-2, RFC 5737)"],
    ["203.0.113.255", "documentation", "documentation (TEST-NET-3, RFC 5737)"],
    ["198.18.0.1", "benchmark", "benchmarking (RFC 2544)"],
    ["198.19.255.254", "benchmark", "benchmarking (RFC 2544)"],
    ["198.20.0.0", "public", "public"],
    ["100.64.0.1", "cgnat", "carrier-grade NAT (RFC 6598)"],
    ["100.127.255.255", "cgnat", "carrier-grade NAT (RFC 6598)"],
    ["100.128.0.0", "public", "public"],
    ["0.0.0.0", "unspecified", "unspecified (RFC 1122)"],
    ["0.1.2.3", "reserved", "reserved (this network, RFC 1122)"],
    ["255.255.255.255", "broadcast", "broadcast (RFC 919)"],
    ["240.0.0.1", "reserved", "reserved (future use, RFC 1112)"],
    ["::", "unspecified", "unspecified (RFC 4291)"],
    ["::1", "loopback", "loopback (RFC 4291)"],
    ["fe80::1", "link-local", "link-local (RFC 4291)"],
    ["febf:ffff::", "link-local", "link-local (RFC 4291)"],
    ["fd12:3456::1", "private", "private (ULA, RFC 4193)"],
    ["fc00::", "private", "private (ULA, RFC 4193)"],
    ["ff02::1", "multicast", "multicast (RFC 4291)"],
    ["2001:db8::1", "documentation", "documentation (RFC 3849)"],
    ["2001:2::1", "benchmark", "benchmarking (RFC 5180)"],
    ["2001:4860:4860::8888", "public", "public"],
    ["2606:4700::1111", "public", "public"],
    ["::ffff:10.1.1.1", "private", "private (RFC 1918)"],
    ["::ffff:8.8.8.8", "public", "public"],
    ["64:ff9b::7f00:1", "loopback", "loopback (RFC 1122)"],
    ["4000::1", "reserved", "reserved (outside 2000::/3, RFC 4291)"],
  ];
  it.each(table)("%s is %s", (ip, scope, label) => {
    const info = classifyScope(ip)!;
    expect(info.scope).toBe(scope);
    expect(scopeLabel(info)).toBe(label);
  });

  it("labels follow the locale (Chinese in the tag's script), others fall back to English", () => {
    expect(scopeLabel(classifyScope("192.168.0.1")!, "zh-CN")).toBe("私有地址 (RFC 1918)");
    expect(scopeLabel(classifyScope("8.8.8.8")!, "zh-CN")).toBe("公网地址");
    expect(scopeLabel(classifyScope("198.18.0.1")!, "zh-SG")).toBe("基准测试地址 (RFC 2544)");
    expect(scopeLabel(classifyScope("198.18.0.1")!, "zh-TW")).toBe("基準測試位址 (RFC 2544)");
    expect(scopeLabel(classifyScope("192.168.0.1")!, "zh-HK")).toBe("私人位址 (RFC 1918)");
    expect(scopeLabel(classifyScope("127.0.0.1")!, "de")).toBe("loopback (RFC 1122)");
    expect(classifyScope("not an ip")).toBeNull();
  });
});
