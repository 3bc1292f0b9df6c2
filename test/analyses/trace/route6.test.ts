/**
 * IPv6 next hops: /proc/net/ipv6_route and `ip -6 neigh show` as the IPv6 nrt- lab's namespaces
 * print them (fixtures taken after a trace), os.networkInterfaces() of the probe namespace, and
 * the path choice built on them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProcIpv6Route, type IfaceAddress } from "../../../src/analyses/trace/route.js";
import { choosePath6, parseIpNeigh6 } from "../../../src/analyses/trace/route6.js";
import { isNetreportError } from "../../../src/errors.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

// os.networkInterfaces() in the lab's probe namespace (JSON.stringify of the real call).
const IFACES = JSON.parse(
  '{"lo":[{"address":"127.0.0.1","netmask":"255.0.0.0","family":"IPv4","mac":"00:00:00:00:00:00","internal":true,"cidr":"127.0.0.1/8"},{"address":"::1","netmask":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","family":"IPv6","mac":"00:00:00:00:00:00","internal":true,"cidr":"::1/128","scopeid":0}],"eth0":[{"address":"198.18.64.2","netmask":"255.255.255.0","family":"IPv4","mac":"2e:5a:f8:26:8e:ae","internal":false,"cidr":"198.18.64.2/24"},{"address":"2001:2:0:64::2","netmask":"ffff:ffff:ffff:ffff::","family":"IPv6","mac":"2e:5a:f8:26:8e:ae","internal":false,"cidr":"2001:2:0:64::2/64","scopeid":0},{"address":"fe80::2c5a:f8ff:fe26:8eae","netmask":"ffff:ffff:ffff:ffff::","family":"IPv6","mac":"2e:5a:f8:26:8e:ae","internal":false,"cidr":"fe80::2c5a:f8ff:fe26:8eae/64","scopeid":2}]}',
) as Record<string, IfaceAddress[]>;

describe("IPv6 routing and neighbour tables", () => {
  const routes = parseProcIpv6Route(fixture("probe-ipv6_route.txt"));

  it("parses the probe namespace's /proc/net/ipv6_route: the /48 via r1, connected /64s, local /128s; the kernel's null routes are not up", () => {
    expect(routes.filter((r) => r.iface === "eth0" && r.prefix <= 64)).toEqual([
      { iface: "eth0", destination: "2001:2:0:64::", prefix: 64, gateway: null, metric: 256 },
      { iface: "eth0", destination: "2001:2::", prefix: 48, gateway: "2001:2:0:64::1", metric: 1024 },
      { iface: "eth0", destination: "fe80::", prefix: 64, gateway: null, metric: 256 },
      { iface: "eth0", destination: "ff00::", prefix: 8, gateway: null, metric: 256 },
    ]);
    expect(routes.some((r) => r.destination === "::" && r.prefix === 0)).toBe(false);
  });

  it("parses `ip -6 neigh show`: router flag and states, canonical addresses, lower-case MACs", () => {
    expect(parseIpNeigh6(fixture("probe-ip-6-neigh.txt"))).toEqual([{ ip: "2001:2:0:64::1", mac: "66:60:e7:94:93:41", iface: "eth0" }]);
    expect(parseIpNeigh6(fixture("r3-ip-6-neigh.txt"))).toEqual([
      { ip: "2001:2:0:66::1", mac: "32:59:6a:10:84:f0", iface: "eth0" },
      { ip: "2001:2:0:68::2", mac: "12:cb:dd:0b:58:49", iface: "eth2" },
      { ip: "fe80::3059:6aff:fe10:84f0", mac: "32:59:6a:10:84:f0", iface: "eth0" },
    ]);
    // `nud all` adds the multicast NOARP entries; they parse but are never a next hop.
    expect(parseIpNeigh6(fixture("r3-ip-6-neigh-nud-all.txt")).filter((n) => n.ip.startsWith("ff02:")).length).toBe(8);
  });

  it("skips entries without a link-layer address (as a namespace printed them while soliciting an absent host) and junk", () => {
    expect(parseIpNeigh6("2001:2:0:99::7 dev v0 INCOMPLETE \n2001:2:0:99::7 dev v0 FAILED \n\nnot a neighbour\n")).toEqual([]);
    expect(parseIpNeigh6("2001:0002:0000:0099::5 dev v0 lladdr 02:00:00:00:00:0A PERMANENT \n")).toEqual([{ ip: "2001:2:0:99::5", mac: "02:00:00:00:00:0a", iface: "v0" }]);
  });
});

describe("choosePath6", () => {
  const routes = parseProcIpv6Route(fixture("probe-ipv6_route.txt"));
  const neigh = parseIpNeigh6(fixture("probe-ip-6-neigh.txt"));

  it("sends to a remote target through the /48's gateway from the interface's global address", () => {
    expect(choosePath6("2001:2:0:67::2", routes, neigh, IFACES)).toEqual({ iface: "eth0", source: "2001:2:0:64::2", nextHop: "2001:2:0:64::1", srcMac: "2e:5a:f8:26:8e:ae", dstMac: "66:60:e7:94:93:41", local: false });
  });

  it("sends on-link targets to themselves; an unresolved neighbour leaves dstMac null (the engine then solicits it)", () => {
    expect(choosePath6("2001:2:0:64::1", routes, neigh, IFACES).dstMac).toBe("66:60:e7:94:93:41");
    expect(choosePath6("2001:2:0:64::9", routes, neigh, IFACES)).toMatchObject({ nextHop: "2001:2:0:64::9", dstMac: null });
  });

  it("probes link-local targets from the link-local address", () => {
    expect(choosePath6("fe80::1", routes, [], IFACES).source).toBe("fe80::2c5a:f8ff:fe26:8eae");
  });

  it("refuses targets without a route (no default route in the lab) with ETRACE naming the table", () => {
    let err: unknown;
    try {
      choosePath6("2001:db8::1", routes, neigh, IFACES);
    } catch (e) {
      err = e;
    }
    expect(isNetreportError(err) && err.code).toBe("ETRACE");
    expect((err as Error).message).toMatch(/no route to 2001:db8::1/);
  });

  it("refuses an interface without a global IPv6 address", () => {
    const v4only = { eth0: IFACES.eth0!.filter((a) => a.family === "IPv4" || a.address.startsWith("fe80")) };
    expect(() => choosePath6("2001:2:0:67::2", routes, neigh, v4only)).toThrow(/no global IPv6 address/);
  });
});
