/**
 * netreport's own traceroute: raw probe frames sent and replies captured through libpcap (`cap`).
 *
 *   targets ─ 1. path per target (route, source, next-hop MAC) ─ 2. one capture per interface,
 *   filtered on the run's ids ─ 3. every TTL of every target and port sent at once ─ 4. replies
 *   decoded as they come ─ 5. wait; retry silent hops below the destination ─ 6. probes + replies
 *   → hops (hops.ts)
 *
 * The kernel knows nothing of these probes: when a destination answers a SYN with a SYN-ACK, the
 * probing host's own TCP stack answers it with a RST, as with scapy and nmap -sS. Routers limit
 * ICMP errors (Linux: net.ipv4.icmp_ratelimit, 1 s per peer after a burst of 6), so hops that
 * drop out under load are probed again in the retry rounds.
 *
 * IPv6 targets take the same steps with IPv6 frames (packet6.ts, match6.ts): next hop from
 * /proc/net/ipv6_route and `ip -6 neigh`, hop limit for TTL, ICMPv6 errors for ICMP ones. A run
 * may mix both families; an interface's capture then passes both families' replies.
 *
 * The world (files, interfaces, the capture, the clock) comes in as {@link RawEffects}
 * (raw-effects.ts).
 */
import { NetreportError } from "../../errors.js";
import { parseIpv4Bytes, parseIpv6Bytes } from "../../enrich/ip.js";
import { buildProbe, replyFilter, MAX_PROBES } from "./packet.js";
import { buildProbe6, replyFilter6 } from "./packet6.js";
import { decodeReply, ipv4Offset } from "./match.js";
import { decodeReply6, ipv6Offset } from "./match6.js";
import { buildHops, completionTracker, matchReplies, silentHops, type Hop, type ReceivedReply, type SentProbe } from "./hops.js";
import { choosePath, macBytes, parseProcArp, parseProcIpv6Route, parseProcRoute, type ProbePath } from "./route.js";
import { choosePath6, parseIpNeigh6 } from "./route6.js";
import { hasNetRaw, permissionError } from "./privilege.js";
import { defaultRawEffects, type CaptureHandle, type RawEffects } from "./raw-effects.js";
import type { ProbeProtocol, TraceOptions } from "./types.js";

export { defaultRawEffects, type CaptureHandle, type RawEffects } from "./raw-effects.js";

/** What the raw engine returns. */
export interface RawTrace {
  hops: Hop[];
  /** Source address of the first target's path. */
  source: string | null;
  warnings: string[];
  probesSent: number;
}

async function resolvePath(target: string, fx: RawEffects): Promise<ProbePath> {
  const v6 = !parseIpv4Bytes(target);
  const routes = v6 ? parseProcIpv6Route(await fx.readFile("/proc/net/ipv6_route")) : parseProcRoute(await fx.readFile("/proc/net/route"));
  const choose = async () =>
    v6 ? choosePath6(target, routes, parseIpNeigh6(await fx.neighbours6()), fx.interfaces()) : choosePath(target, routes as ReturnType<typeof parseProcRoute>, parseProcArp(await fx.readFile("/proc/net/arp")), fx.interfaces());
  let path = await choose();
  // An unresolved next hop: let the kernel ARP (or solicit the neighbour) for it, then read the
  // table again (≤ 1.5 s).
  for (let i = 0; !path.dstMac && i < 15; i++) {
    if (i === 0) await fx.primeNeighbour(target);
    await fx.sleep(100);
    path = await choose();
  }
  if (!path.dstMac) throw new NetreportError("ETRACE", `the next hop ${path.nextHop} of ${target} does not answer ${v6 ? "neighbour solicitation" : "ARP"}`, { where: path.iface, hint: `check that the gateway is up (\`ip ${v6 ? "-6 " : ""}neigh\`)` });
  return path;
}

/** Runs a raw traceroute (see the module comment). Throws EPERM_RAW without CAP_NET_RAW. */
export async function rawTrace(options: TraceOptions, fx: RawEffects = defaultRawEffects): Promise<RawTrace> {
  const protocol: ProbeProtocol = options.protocol ?? "tcp";
  const ports: (number | null)[] = protocol === "tcp" ? (options.ports ?? [80, 443]) : [null];
  const minTtl = options.minTtl ?? 1;
  const maxTtl = options.maxTtl ?? 30;
  const queries = options.queries ?? 1;
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 2000;
  const warnings: string[] = [];
  for (const t of options.targets) {
    if (!parseIpv4Bytes(t) && !parseIpv6Bytes(t)) throw new NetreportError("ETRACE", `${JSON.stringify(t)} is not an IP address`, { where: t, hint: "give IPv4 or IPv6 addresses" });
  }
  const perRound = options.targets.length * ports.length * (maxTtl - minTtl + 1) * queries;
  if (perRound * (1 + retries) > MAX_PROBES) throw new NetreportError("ETRACE", `${perRound * (1 + retries)} probes exceed the ${MAX_PROBES} one run can tell apart`, { hint: "trace fewer targets or ports at once" });
  if (hasNetRaw(await fx.readFile("/proc/self/status").catch(() => "")) === false) throw permissionError();

  // 1. Paths: interface, source, next-hop MAC per target.
  const paths = new Map<string, ProbePath>();
  for (const t of options.targets) paths.set(t, await resolvePath(t, fx));
  const magic = fx.random16() || 1;
  const sport = 33_000 + (fx.random16() % 28_000);
  // An interface's filter passes the replies of the families its targets use.
  const filterFor = (iface: string) => {
    const families = new Set([...paths].filter(([, p]) => p.iface === iface).map(([t]) => (parseIpv4Bytes(t) ? 4 : 6)));
    const parts = [...families].sort().map((f) => (f === 4 ? replyFilter(protocol, magic, sport) : replyFilter6(protocol, magic, sport)));
    return parts.length > 1 ? parts.map((x) => `(${x})`).join(" or ") : parts[0]!;
  };
  const probes: SentProbe[] = [];
  const replies: ReceivedReply[] = [];
  // Whether every path is done, kept as probes and replies come: the wait loop asks after every
  // batch of replies, and going over all of them each time cost ~6 ms at 12,000 probes.
  const progress = completionTracker(options.targets.length * ports.length);
  let wake: (() => void) | null = null;
  const adaptive = options.adaptiveWait ?? true;
  let maxRtt = -1;
  let lastEvent = 0;
  // 2. One capture per interface, filtered on this run's magic and source port.
  const captures = new Map<string, CaptureHandle>();
  try {
    for (const p of paths.values()) {
      if (captures.has(p.iface)) continue;
      const handle = fx.openCapture(p.iface, filterFor(p.iface), (frame, len) => {
        // 4. Decode in place; keep only replies to this run.
        const o4 = ipv4Offset(frame, len, handle.linkType);
        const r = o4 >= 0 ? decodeReply(frame, o4, len, magic, sport) : decodeReply6(frame, ipv6Offset(frame, len, handle.linkType), len, magic, sport);
        if (!r) return;
        const at = fx.now();
        const reply = { ...r, at };
        replies.push(reply);
        progress.received(reply);
        const sent = probes[r.index];
        if (sent && sent.target === r.probeDst) maxRtt = Math.max(maxRtt, at - sent.sentAt);
        lastEvent = at;
        wake?.();
      });
      captures.set(p.iface, handle);
    }
    const bytes = new Map([...paths].map(([t, p]) => [t, { dstMac: macBytes(p.dstMac!), srcMac: macBytes(p.srcMac), src: (parseIpv4Bytes(p.source) ?? parseIpv6Bytes(p.source))!, dst: (parseIpv4Bytes(t) ?? parseIpv6Bytes(t))! }]));
    const send = (target: string, port: number | null, ttl: number) => {
      const path = paths.get(target)!;
      const index = probes.length;
      const b = bytes.get(target)!;
      const frame = (b.dst.length === 16 ? buildProbe6 : buildProbe)({
        ...b,
        ttl,
        protocol,
        port: port ?? 0,
        index,
        magic,
        sport,
      });
      captures.get(path.iface)!.send(frame);
      const probe = { index, target, port, ttl, sentAt: (lastEvent = fx.now()) };
      probes.push(probe);
      progress.sent(probe);
    };
    const wait = async () => {
      // 5. Until the timeout, the abort, every path answered to its destination, or (adaptive)
      // a quiet spell of 4 × the largest RTT seen + 250 ms after the last probe or reply, as
      // nmap adapts its waits: answers that late are rare, and the retry rounds catch them.
      const hardUntil = fx.now() + timeoutMs;
      while (!options.signal?.aborted && !progress.complete()) {
        const quiet = adaptive && maxRtt >= 0 ? 4 * maxRtt + 250 : timeoutMs;
        const until = Math.min(hardUntil, lastEvent + quiet);
        if (fx.now() >= until) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, Math.min(until - fx.now(), 250)));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    };
    // 3. Every TTL at once, lowest first so each path's destination sees its lowest TTL first.
    // Between TTLs the event loop gets a turn, so replies that already arrived are stamped now
    // rather than after the whole burst (cap gives no capture timestamps).
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let ttl = minTtl; ttl <= maxTtl; ttl++) {
      for (const t of options.targets) for (const port of ports) for (let q = 0; q < queries; q++) send(t, port, ttl);
      await turn();
    }
    await wait();
    for (let round = 0; round < retries && !options.signal?.aborted; round++) {
      const silent = silentHops(probes, matchReplies(probes, replies));
      if (!silent.length) break;
      for (const h of silent) {
        for (let q = 0; q < queries; q++) send(h.target, h.port, h.ttl);
        await turn();
      }
      await wait();
    }
    if (options.signal?.aborted) warnings.push("the trace was interrupted; hops not yet answered are shown as unk");
  } finally {
    for (const c of captures.values()) c.close();
  }
  // 6. Probes + replies → hops.
  const first = paths.get(options.targets[0] ?? "");
  return { hops: buildHops(protocol, probes, replies), source: first?.source ?? null, warnings, probesSent: probes.length };
}
