/** Routing/neighbour table parsers, path choice, privilege check and probe frames. */
import { describe, expect, it } from "vitest";
import { choosePath, lookupRoute, parseProcArp, parseProcIpv6Route, parseProcRoute } from "../../../src/analyses/trace/route.js";
import { hasNetRaw, permissionError } from "../../../src/analyses/trace/privilege.js";
import { buildProbe, replyFilter } from "../../../src/analyses/trace/packet.js";
import { isNetreportError } from "../../../src/errors.js";

// The eth0 lines as the nrt- lab's probe namespace shows them; the eth1/eth2 lines and the IPv6 table are made up to cover metrics, flags and gateways.
const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t004012C6\t014012C6\t0003\t0\t0\t0\t00C0FFFF\t0\t0\t0
eth0\t004012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth1\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth2\t00000000\t0100000A\t0002\t0\t0\t50\t00000000\t0\t0\t0
`;
const ARP = `IP address       HW type     Flags       HW address            Mask     Device
198.18.64.1      0x1         0x2         9a:3c:11:22:33:44     *        eth0
10.0.0.1         0x1         0x0         00:00:00:00:00:00     *        eth1
`;
const ROUTE6 = `20010db8000000000000000000000000 20 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
`;

describe("routing tables", () => {
  it("parses /proc/net/route (host-order hex) and skips routes that are not up", () => {
    expect(parseProcRoute(ROUTE)).toEqual([
      { iface: "eth0", destination: "198.18.64.0", gateway: "198.18.64.1", metric: 0, prefix: 18 },
      { iface: "eth0", destination: "198.18.64.0", gateway: null, metric: 0, prefix: 24 },
      { iface: "eth1", destination: "0.0.0.0", gateway: "10.0.0.1", metric: 100, prefix: 0 },
    ]);
  });

  it("parses /proc/net/ipv6_route", () => {
    expect(parseProcIpv6Route(ROUTE6)).toEqual([
      { iface: "eth0", destination: "2001:db8::", prefix: 32, gateway: null, metric: 256 },
      { iface: "eth0", destination: "::", prefix: 0, gateway: "fe80::1", metric: 1024 },
    ]);
    expect(lookupRoute(parseProcIpv6Route(ROUTE6), "2001:db8::5")!.prefix).toBe(32);
    expect(lookupRoute(parseProcIpv6Route(ROUTE6), "2001:db9::5")!.gateway).toBe("fe80::1");
  });

  it("picks the longest prefix, then the lowest metric", () => {
    const r = parseProcRoute(ROUTE);
    expect(lookupRoute(r, "198.18.64.9")!.prefix).toBe(24);
    expect(lookupRoute(r, "198.18.67.2")!.gateway).toBe("198.18.64.1");
    expect(lookupRoute(r, "8.8.8.8")!.iface).toBe("eth1");
  });

  it("parses complete ARP entries only", () => {
    expect(parseProcArp(ARP)).toEqual([{ ip: "198.18.64.1", mac: "9a:3c:11:22:33:44", iface: "eth0" }]);
  });
});

describe("choosePath", () => {
  const ifaces = {
    lo: [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true }],
    eth0: [{ address: "198.18.64.2", netmask: "255.255.255.0", family: "IPv4", mac: "02:00:00:00:00:02", internal: false }],
  };
  it("sends via the gateway's MAC from the neighbour table", () => {
    expect(choosePath("198.18.67.2", parseProcRoute(ROUTE), parseProcArp(ARP), ifaces)).toEqual({ iface: "eth0", source: "198.18.64.2", nextHop: "198.18.64.1", srcMac: "02:00:00:00:00:02", dstMac: "9a:3c:11:22:33:44", local: false });
  });
  it("reports a next hop without ARP entry as dstMac null, loopback over lo, and no route as ETRACE", () => {
    expect(choosePath("198.18.64.7", parseProcRoute(ROUTE), parseProcArp(ARP), ifaces).dstMac).toBeNull();
    expect(choosePath("127.0.0.1", [], [], ifaces)).toMatchObject({ iface: "lo", source: "127.0.0.1", local: true });
    expect(() => choosePath("198.18.64.9", [], [], ifaces)).toThrow(expect.objectContaining({ code: "ETRACE" }));
  });
});

describe("privilege", () => {
  it("reads CAP_NET_RAW (bit 13) from CapEff", () => {
    expect(hasNetRaw("Name:\tnode\nCapEff:\t000001ffffffffff\n")).toBe(true);
    expect(hasNetRaw("CapEff:\t0000000000000000\n")).toBe(false);
    expect(hasNetRaw("CapEff:\t0000000000002000\n")).toBe(true);
    expect(hasNetRaw("nothing")).toBeNull();
  });
  it("EPERM_RAW says what is missing and names the fallback", () => {
    const e = permissionError();
    expect(isNetreportError(e, "EPERM_RAW")).toBe(true);
    expect(e.toLine()).toMatch(/root or CAP_NET_RAW.*traceroute -T/);
  });
});

describe("buildProbe", () => {
  const spec = { dstMac: new Uint8Array(6).fill(0xaa), srcMac: new Uint8Array(6).fill(0xbb), src: Uint8Array.of(198, 18, 64, 2), dst: Uint8Array.of(198, 18, 67, 2), ttl: 3, port: 443, index: 7, magic: 0xbeef, sport: 40000 };
  const fold = (b: Buffer, s: number, e: number, init = 0) => {
    let x = init;
    for (let i = s; i < e; i += 2) x += (b[i]! << 8) | (b[i + 1] ?? 0);
    while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
    return x;
  };
  for (const protocol of ["tcp", "udp", "icmp"] as const) {
    it(`${protocol}: valid IPv4 and transport checksums, ids where replies quote them`, () => {
      const f = buildProbe({ ...spec, protocol });
      expect(f.readUInt16BE(12)).toBe(0x0800);
      expect(fold(f, 14, 34)).toBe(0xffff);
      expect(f[14 + 8]).toBe(3);
      expect(f.readUInt16BE(14 + 4)).toBe(7);
      const len = f.length - 34;
      const proto = f[14 + 9]!;
      const pseudo = protocol === "icmp" ? 0 : fold(f, 26, 34, proto + len);
      expect(fold(f, 34, f.length, pseudo)).toBe(0xffff);
      if (protocol === "tcp") expect(f.readUInt32BE(38)).toBe(0xbeef0007);
      if (protocol === "udp") expect(f.readUInt16BE(36)).toBe(33434 + 7);
      if (protocol === "icmp") expect([f.readUInt16BE(38), f.readUInt16BE(40)]).toEqual([0xbeef, 7]);
    });
  }
  it("filters replies on the run's magic and port", () => {
    expect(replyFilter("tcp", 48879, 40000)).toBe("(icmp and (icmp[0] = 11 or icmp[0] = 3) and icmp[17] = 6 and icmp[32:2] = 48879) or (tcp and dst port 40000 and tcp[8:2] = 48879)");
  });
});
