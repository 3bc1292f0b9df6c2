/**
 * Where probes leave: interface, source address and next-hop MAC for a target, read from the
 * kernel's routing and neighbour tables. The parsers and the choice are pure; the caller passes
 * the files' text and the interface list (os.networkInterfaces()).
 */
import { NetreportError } from "../../errors.js";
import { parseIpv4Bytes, parseIpv6Bytes, formatIp } from "../../enrich/ip.js";

/** One IPv4 route of /proc/net/route. */
export interface Route4 {
  iface: string;
  /** Network, dotted quad. */
  destination: string;
  /** Prefix length from the mask. */
  prefix: number;
  /** Gateway, or null for a directly connected network. */
  gateway: string | null;
  metric: number;
}

/** One IPv6 route of /proc/net/ipv6_route. */
export interface Route6 {
  iface: string;
  destination: string;
  prefix: number;
  /** Next hop, or null when on-link (::). */
  gateway: string | null;
  metric: number;
}

/** One neighbour (ARP) entry. */
export interface Neighbour {
  ip: string;
  mac: string;
  iface: string;
}

/** An interface address as os.networkInterfaces() lists it. */
export interface IfaceAddress {
  address: string;
  netmask: string;
  family: "IPv4" | "IPv6" | string | number;
  mac: string;
  internal: boolean;
}

/** How probes to one target are sent. */
export interface ProbePath {
  iface: string;
  /** Source address: a dotted quad, or canonical IPv6 text (route6.ts). */
  source: string;
  /** Next hop (gateway or the target itself). */
  nextHop: string;
  srcMac: string;
  /** Next hop's MAC; null when the neighbour table has no complete entry yet. */
  dstMac: string | null;
  /** True when the target is this host (probes go over `lo`). */
  local: boolean;
}

// /proc/net/route prints addresses as the hex of a 32-bit word in host byte order.
function hexToIpv4(hex: string, littleEndian: boolean): string {
  const n = parseInt(hex, 16) >>> 0;
  const b = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return (littleEndian ? b.reverse() : b).join(".");
}

function maskBits(mask: string): number {
  return mask.split(".").reduce((a, o) => a + ((Number(o) >>> 0).toString(2).match(/1/g)?.length ?? 0), 0);
}

/**
 * Parses /proc/net/route: a header line, then `Iface Destination Gateway Flags RefCnt Use Metric
 * Mask MTU Window IRTT`, tab-separated, addresses in host-order hex. Routes without RTF_UP (0x1)
 * are skipped; RTF_GATEWAY (0x2) marks a gateway.
 */
export function parseProcRoute(text: string, littleEndian = true): Route4[] {
  const out: Route4[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const flags = parseInt(f[3]!, 16);
    if (!(flags & 1)) continue;
    out.push({
      iface: f[0]!,
      destination: hexToIpv4(f[1]!, littleEndian),
      gateway: flags & 2 ? hexToIpv4(f[2]!, littleEndian) : null,
      metric: Number(f[6]),
      prefix: maskBits(hexToIpv4(f[7]!, littleEndian)),
    });
  }
  return out;
}

/**
 * Parses /proc/net/ipv6_route: per line `dest(32 hex) plen(2 hex) src srcplen nexthop metric(8 hex)
 * refcnt use flags(8 hex) iface`. Routes without RTF_UP are skipped.
 */
export function parseProcIpv6Route(text: string): Route6[] {
  const out: Route6[] = [];
  const v6 = (h: string) => formatIp(Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16))));
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[0]!.length !== 32) continue;
    if (!(parseInt(f[8]!, 16) & 1)) continue;
    const gw = v6(f[4]!);
    out.push({ iface: f[9]!, destination: v6(f[0]!), prefix: parseInt(f[1]!, 16), gateway: gw === "::" ? null : gw, metric: parseInt(f[5]!, 16) });
  }
  return out;
}

/** Parses /proc/net/arp (`IP address  HW type  Flags  HW address  Mask  Device`), complete entries (flag 0x2) only. */
export function parseProcArp(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || !(parseInt(f[2]!, 16) & 2)) continue;
    out.push({ ip: f[0]!, mac: f[3]!.toLowerCase(), iface: f[5]! });
  }
  return out;
}

function inPrefix(ip: Uint8Array, net: Uint8Array, prefix: number): boolean {
  for (let i = 0; i < prefix; i++) {
    const bit = 7 - (i & 7);
    if (((ip[i >> 3]! >> bit) & 1) !== ((net[i >> 3]! >> bit) & 1)) return false;
  }
  return true;
}

/** The route the kernel would pick for `target`: longest prefix, then lowest metric; null when none. */
export function lookupRoute<R extends Route4 | Route6>(routes: readonly R[], target: string): R | null {
  const t = parseIpv4Bytes(target) ?? parseIpv6Bytes(target);
  if (!t) return null;
  let best: R | null = null;
  for (const r of routes) {
    const net = t.length === 4 ? parseIpv4Bytes(r.destination) : parseIpv6Bytes(r.destination);
    if (!net || net.length !== t.length || !inPrefix(t, net, r.prefix)) continue;
    if (!best || r.prefix > best.prefix || (r.prefix === best.prefix && r.metric < best.metric)) best = r;
  }
  return best;
}

/**
 * Chooses interface, source and next hop for IPv4 `target`. Loopback targets (127/8 and this
 * host's own addresses) go over `lo` with zero MACs, as Linux's loopback frames carry.
 * @throws NetreportError ETRACE when no route leads to `target` or the interface has no IPv4 address.
 */
export function choosePath(target: string, routes: readonly Route4[], neighbours: readonly Neighbour[], ifaces: Record<string, IfaceAddress[] | undefined>): ProbePath {
  const zero = "00:00:00:00:00:00";
  const own = Object.entries(ifaces).find(([, list]) => list?.some((a) => a.address === target));
  if (target.startsWith("127.") || own) {
    const lo = Object.entries(ifaces).find(([, list]) => list?.some((a) => a.internal && a.address.startsWith("127.")))?.[0] ?? "lo";
    return { iface: lo, source: target.startsWith("127.") ? "127.0.0.1" : target, nextHop: target, srcMac: zero, dstMac: zero, local: true };
  }
  const route = lookupRoute(routes, target);
  if (!route) throw new NetreportError("ETRACE", `no route to ${target}`, { where: "/proc/net/route", hint: "check `ip route`; netreport sends probes only where the kernel would" });
  const nextHop = route.gateway ?? target;
  const addrs = (ifaces[route.iface] ?? []).filter((a) => a.family === "IPv4" || a.family === 4);
  const hop = parseIpv4Bytes(nextHop)!;
  const addr =
    addrs.find((a) => {
      const b = parseIpv4Bytes(a.address);
      return b && inPrefix(hop, b, maskBits(a.netmask));
    }) ?? addrs[0];
  if (!addr) throw new NetreportError("ETRACE", `interface ${route.iface} has no IPv4 address`, { where: route.iface });
  const n = neighbours.find((x) => x.ip === nextHop && x.iface === route.iface);
  return { iface: route.iface, source: addr.address, nextHop, srcMac: addr.mac, dstMac: n?.mac ?? null, local: false };
}

/** A MAC address text (`aa:bb:…`) as 6 bytes. */
export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(":").map((x) => parseInt(x, 16));
  if (parts.length !== 6 || parts.some((x) => !(x >= 0 && x <= 255))) throw new NetreportError("ETRACE", `not a MAC address: ${JSON.stringify(mac)}`);
  return Uint8Array.from(parts);
}
