/**
 * Traceroute: TCP SYN (or UDP, ICMP) probes to several targets at once, every TTL in parallel,
 * replies matched to probes by what they quote; hops enriched with AS and place; the route graph.
 * IPv4 and IPv6 targets alike (IPv6 in canonical form from step 1 on).
 *
 *   options ─ 1. check ─ 2. split local / remote targets ─┬─ local: connect() (local.ts)
 *                                                         ├─ raw: libpcap probes (raw.ts)
 *                                                         └─ traceroute: system tool (system.ts)
 *           ─ 3. hops → enriched `traceHops` dataset (dataset.ts) ─ 4. graph (graph.ts) on demand
 */
import { networkInterfaces } from "node:os";
import { NetreportError } from "../../errors.js";
import { formatIp, parseIpv4Bytes, parseIpv6Bytes, parseIp } from "../../enrich/ip.js";
import { hopsDataset, type HopLocator } from "./dataset.js";
import type { Hop } from "./hops.js";
import { localTrace } from "./local.js";
import { defaultRawEffects, rawTrace, type RawEffects } from "./raw.js";
import { runProgram, systemTrace, type RunProgram } from "./system.js";
import { isProbeProtocol, type TraceOptions, type TraceResult } from "./types.js";

export * from "./types.js";
export { buildRouteGraph, SOURCE_NODE, type RouteGraph, type RouteNode, type RouteEdge, type RouteGroup } from "./graph.js";
export { parseTracerouteOutput, annotationKind, type PrintedTrace, type PrintedHop, type PrintedProbe } from "./traceroute-output.js";
export { decodeReply, ipv4Offset, type Reply } from "./match.js";
export { decodeReply6, ipv6Offset, UNREACH6_KIND } from "./match6.js";
export { buildProbe, replyFilter } from "./packet.js";
export { buildProbe6, replyFilter6 } from "./packet6.js";
export { choosePath6, parseIpNeigh6 } from "./route6.js";
export { buildHops, type Hop, type SentProbe, type ReceivedReply } from "./hops.js";
export { parseProcRoute, parseProcIpv6Route, parseProcArp, choosePath, lookupRoute } from "./route.js";
export { hasNetRaw } from "./privilege.js";
export { TRACE_HOP_COLUMNS, type HopLocator } from "./dataset.js";
export type { RawEffects } from "./raw.js";

/**
 * A trace result from a saved `traceHops` dataset (e.g. read with parseDataset), so a trace can
 * be reported again without probing. Throws EDATASET_SCHEMA for another kind.
 */
export function traceResultFromDataset(ds: { kind: string; provenance: { parameters: unknown } }): TraceResult {
  if (ds.kind !== "traceHops") throw new NetreportError("EDATASET_SCHEMA", `a ${ds.kind} dataset is not a trace`, { hint: "give a traceHops dataset (netreport trace --format json)" });
  const p = ds.provenance.parameters as { source?: unknown; method?: unknown } | null;
  return { hops: ds as TraceResult["hops"], source: typeof p?.source === "string" ? p.source : null, method: p?.method === "traceroute" ? "traceroute" : "raw" };
}

/** Options of {@link traceRoute}. */
export interface TraceRouteOptions extends TraceOptions {
  /**
   * `raw` (default): netreport's own probes, needs root or CAP_NET_RAW (EPERM_RAW otherwise).
   * `traceroute`: the system `traceroute -T` (or its UDP/ICMP methods), parsed into the same dataset.
   */
  method?: "raw" | "traceroute";
  /** AS/place lookups for the hops (an Enricher from `openEnricher`). Default none. */
  locator?: HopLocator | null;
}

/** The world a trace touches; tests replace parts. */
export interface TraceEffects {
  raw?: RawEffects;
  run?: RunProgram;
}

function check(o: TraceRouteOptions): void {
  if (!o.targets.length) throw new NetreportError("EUSAGE", "no target given", { where: "targets" });
  for (const t of o.targets) {
    if (!parseIp(t)) throw new NetreportError("ESCAN_SPEC", `${JSON.stringify(t)} is not an IP address`, { where: t, hint: "netreport does not resolve names while tracing; give addresses" });
  }
  if (o.protocol !== undefined && !isProbeProtocol(o.protocol)) throw new NetreportError("EUSAGE", `unknown probe protocol ${JSON.stringify(o.protocol)}`, { hint: "use tcp, udp or icmp" });
  for (const p of o.ports ?? []) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new NetreportError("EPORT_SPEC", `port ${p} is not 1-65535`);
  const min = o.minTtl ?? 1;
  const max = o.maxTtl ?? 30;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 255 || min > max) throw new NetreportError("EUSAGE", `TTL range ${min}..${max} is not within 1..255`, { where: "--max-ttl" });
}

/** True when `ip` is this host's: 127/8 or an interface address. */
function isLocal(ip: string, ifaces: ReturnType<RawEffects["interfaces"]>): boolean {
  if (ip.startsWith("127.") || ip === "::1") return true;
  return Object.values(ifaces).some((l) => l?.some((a) => a.address === ip));
}

/**
 * Traces the route to every target (see the module comment) and returns the hop dataset.
 * @throws NetreportError EPERM_RAW (raw method without privilege), ETRACE (no route, tool missing), EUSAGE/ESCAN_SPEC/EPORT_SPEC for bad options.
 */
export async function traceRoute(given: TraceRouteOptions, effects: TraceEffects = {}): Promise<TraceResult> {
  // 1. A target or port given twice is traced once.
  check(given);
  // IPv6 targets in canonical form (RFC 5952), as replies name them.
  const canonical = given.targets.map((t) => {
    const v6 = parseIpv4Bytes(t) ? null : parseIpv6Bytes(t);
    return v6 ? formatIp(v6) : t;
  });
  const options: TraceRouteOptions = { ...given, targets: [...new Set(canonical)], ...(given.ports ? { ports: [...new Set(given.ports)] } : {}) };
  const startedAt = new Date();
  const fx = effects.raw ?? defaultRawEffects;
  const ifaces = fx === defaultRawEffects ? networkInterfaces() : fx.interfaces();
  // 2.
  const local = options.targets.filter((t) => isLocal(t, ifaces as ReturnType<RawEffects["interfaces"]>));
  const remote = options.targets.filter((t) => !local.includes(t));
  const warnings: string[] = [];
  let hops: Hop[] = [];
  let source: string | null = local.length ? (local[0]!.startsWith("127.") ? "127.0.0.1" : local[0]!) : null;
  const method = options.method ?? "raw";
  if (local.length) {
    hops = hops.concat(await localTrace(options, local));
  }
  if (remote.length) {
    if (method === "raw") {
      const r = await rawTrace({ ...options, targets: remote }, fx);
      hops = hops.concat(r.hops);
      source = r.source ?? source;
      warnings.push(...r.warnings);
    } else {
      const r = await systemTrace({ ...options, targets: remote }, effects.run ?? runProgram);
      hops = hops.concat(r.hops);
      warnings.push(...r.warnings);
    }
  }
  const parameters = { targets: options.targets, protocol: options.protocol ?? "tcp", ports: (options.protocol ?? "tcp") === "tcp" ? (options.ports ?? [80, 443]) : null, minTtl: options.minTtl ?? 1, maxTtl: options.maxTtl ?? 30, queries: options.queries ?? 1, retries: options.retries ?? 2, timeoutMs: options.timeoutMs ?? 2000, method, source };
  // 3.
  return { hops: hopsDataset(hops, options.locator ?? null, parameters, startedAt, warnings), source, method: method === "raw" ? "raw" : "traceroute" };
}
