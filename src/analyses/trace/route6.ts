/**
 * Where IPv6 probes leave: interface, source address and next-hop MAC for a target, from
 * /proc/net/ipv6_route (parsed in route.ts) and the IPv6 neighbour table as `ip -6 neigh show`
 * prints it (Linux has no /proc file for it, and netlink is not worth a native addon here).
 * Pure: the caller passes the texts and the interface list.
 */
import { NetreportError } from "../../errors.js";
import { parseIpv6Bytes, formatIp } from "../../enrich/ip.js";
import { lookupRoute, type IfaceAddress, type Neighbour, type ProbePath, type Route6 } from "./route.js";

/** Neighbour states whose link-layer address can be used (RFC 4861 §7.3.2 plus Linux's PERMANENT/NOARP). */
const USABLE = new Set(["REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"]);

/**
 * Parses `ip -6 neigh show`: one entry per line, `<address> dev <iface> lladdr <mac> [router]
 * [proxy] <STATE>[,<STATE>…]`. Entries without a link-layer address (INCOMPLETE, FAILED) or in no
 * usable state are skipped; addresses come back canonical (RFC 5952).
 */
export function parseIpNeigh6(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    const dev = f.indexOf("dev");
    const ll = f.indexOf("lladdr");
    const bytes = parseIpv6Bytes(f[0] ?? "");
    if (!bytes || dev < 0 || ll < 0 || !f[dev + 1] || !f[ll + 1]) continue;
    const states = (f[f.length - 1] ?? "").split(",");
    if (!states.some((s) => USABLE.has(s))) continue;
    out.push({ ip: formatIp(bytes), mac: f[ll + 1]!.toLowerCase(), iface: f[dev + 1]! });
  }
  return out;
}

const linkLocal = (b: Uint8Array) => b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;

function prefixOf(netmask: string): number {
  const m = parseIpv6Bytes(netmask);
  if (!m) return 128;
  let n = 0;
  for (const byte of m) n += byte.toString(2).replace(/0/g, "").length;
  return n;
}

function samePrefix(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  for (let i = 0; i < prefix; i++) {
    const bit = 7 - (i & 7);
    if (((a[i >> 3]! >> bit) & 1) !== ((b[i >> 3]! >> bit) & 1)) return false;
  }
  return true;
}

/**
 * Chooses interface, source and next hop for IPv6 `target` (canonical text). The source is an
 * address of the route's interface, picked as a simplified RFC 6724: same scope as the target
 * (link-local only for link-local targets), then one whose prefix holds the next hop or the
 * target, then the first. Local targets never come here (index.ts traces them by connect()).
 * @throws NetreportError ETRACE when no route leads to `target` or the interface has no usable IPv6 address.
 */
export function choosePath6(target: string, routes: readonly Route6[], neighbours: readonly Neighbour[], ifaces: Record<string, IfaceAddress[] | undefined>): ProbePath {
  const t = parseIpv6Bytes(target);
  if (!t) throw new NetreportError("ETRACE", `not an IPv6 address: ${JSON.stringify(target)}`, { where: target });
  // Multicast routes (ff00::/8) never carry probes; local /128 routes match only this host's own
  // addresses, which go through connect().
  const route = lookupRoute(routes.filter((r) => !r.destination.startsWith("ff")), target);
  if (!route) throw new NetreportError("ETRACE", `no route to ${target}`, { where: "/proc/net/ipv6_route", hint: "check `ip -6 route`; netreport sends probes only where the kernel would" });
  const nextHop = route.gateway ?? target;
  const hop = parseIpv6Bytes(nextHop)!;
  const addrs = (ifaces[route.iface] ?? [])
    .filter((a) => a.family === "IPv6" || a.family === 6)
    .map((a) => ({ a, b: parseIpv6Bytes(a.address)! }))
    .filter(({ b }) => b && linkLocal(b) === linkLocal(t));
  const pick = addrs.find(({ a, b }) => samePrefix(b, t, prefixOf(a.netmask))) ?? addrs.find(({ a, b }) => samePrefix(b, hop, prefixOf(a.netmask))) ?? addrs[0];
  if (!pick) throw new NetreportError("ETRACE", `interface ${route.iface} has no ${linkLocal(t) ? "link-local" : "global"} IPv6 address to probe ${target} from`, { where: route.iface });
  const n = neighbours.find((x) => x.ip === nextHop && x.iface === route.iface);
  return { iface: route.iface, source: formatIp(pick.b), nextHop, srcMac: pick.a.mac, dstMac: n?.mac ?? null, local: false };
}
