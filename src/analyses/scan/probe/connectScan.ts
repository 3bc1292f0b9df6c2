/**
 * The TCP connect scan: every (host, port) pair probed with connect(), bounded in flight.
 *
 *   targets (lazy) ─1─ groups of `hostGroup` hosts
 *                  ─2─ pass 0: probes port-major (each port on every host of the group, so one
 *                      slow host never holds the queue) through a pool of `concurrency` workers,
 *                      each probe timed out by its host's RTT estimate, optionally rate limited
 *                  ─3─ passes 1..retries: filtered ports again, with the now-measured timeouts
 *                  ─4─ host results (many-member states counted as extraports)
 *
 * The network is reached only through `effects.connect`; tests drive the engine with a fake.
 * Abort (`signal`) stops launching probes; what finished is returned with `partial: true`.
 */
import { setTimeout as delay } from "node:timers/promises";
import { classifyOutcome, CROWDING } from "./classify.js";
import { formatBanner } from "./banner.js";
import { newHostProbes, setState, toHostResult, type HostProbes } from "./hostResult.js";
import { DEFAULT_RTT_LIMITS, rttTimeout, rttUpdate, type RttLimits } from "./rtt.js";
import { openFileLimit, tcpConnect, type ConnectEffect } from "./tcp.js";
import { rawTcpConnect } from "./rawTcp.js";
import type { ServicesTable } from "../ports/services.js";
import type { Target, TargetPlan } from "../targets/expand.js";
import { PARTIAL_MARK, PortState, type HostResult, type ScanResult } from "../types.js";

/** Progress of a running scan, for progress bars. */
export interface ScanProgress {
  hostsDone: number;
  /** Hosts to scan (upper bound before exclusions). */
  hostsTotal: number;
  probesDone: number;
  /** First-pass probes to send (upper bound); retries come on top. */
  probesTotal: number;
  openFound: number;
}

/** Options of {@link connectScan}. */
export interface ConnectScanOptions {
  /** TCP ports to probe, as {@link parsePorts} returns them. */
  ports: readonly number[];
  /** Probes in flight at most (reached as probes time out; 64 at first). Default 512, never above the open-file limit less 64. */
  concurrency?: number;
  /** Initial and largest probe timeout in ms. Default 1000. */
  timeoutMs?: number;
  /** Smallest probe timeout in ms however fast the host answers. Default 100. */
  minTimeoutMs?: number;
  /** Extra passes over ports still filtered. Default 1. */
  retries?: number;
  /** Probes started per second at most. Default: unlimited. */
  rate?: number;
  /** Wait this long (ms) for a banner on open ports; 0 for none. Default 0. */
  bannerMs?: number;
  /** Banner bytes kept. Default 256. */
  bannerBytes?: number;
  /** Hosts scanned together. Default 256. */
  hostGroup?: number;
  /** A closed or filtered state with more ports than this is counted, not listed. Default 25. */
  collapseAbove?: number;
  /** Names services (and is recorded in provenance). */
  services?: ServicesTable;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Extra JSON recorded in the result's parameters (e.g. the target specs as written). */
  parameters?: Record<string, unknown>;
}

/** What the scan needs from the world. */
export interface ScanEffects {
  connect: ConnectEffect;
  /** The open-file limit (ulimit -n). */
  openFileLimit: () => number;
  /** Monotonic clock, ms. */
  now: () => number;
  /** Waits `ms`; resolves early (never rejects) when `signal` aborts, so Ctrl-C need not wait out a rate limit. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The real effects: connects on libuv's raw TCP handle when Node exposes it (rawTcp.ts, about
 * twice as fast on refused ports), else on `net.Socket`; /proc/self/limits, performance.now,
 * an abortable setTimeout.
 */
export const defaultScanEffects: ScanEffects = {
  connect: rawTcpConnect ?? tcpConnect,
  openFileLimit: () => openFileLimit(),
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
};

interface Job {
  host: HostProbes;
  index: number;
}

/** Probes in flight at the start of each pass (see runPool). */
const START_WINDOW = 64;

/** Local failures (EMFILE, EADDRNOTAVAIL) are retried this often before a port is given up. */
const LOCAL_RETRIES = 5;

/** Counts one local failure of `code` in `into`. */
function countFailure(into: Map<string, number>, code: string, n = 1): void {
  into.set(code, (into.get(code) ?? 0) + n);
}

/**
 * Runs a TCP connect scan of `targets` (a plan from {@link planTargets}, or any iterable).
 * Never throws for unreachable hosts or ports; local failures are warnings.
 */
export async function connectScan(
  targets: TargetPlan | Iterable<Target>,
  options: ConnectScanOptions,
  effects: ScanEffects = defaultScanEffects,
): Promise<ScanResult> {
  const startedAt = new Date();
  const ports = options.ports;
  const fileLimit = effects.openFileLimit();
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 512, fileLimit - 64));
  const limits: RttLimits = {
    ...DEFAULT_RTT_LIMITS,
    initialMs: options.timeoutMs ?? DEFAULT_RTT_LIMITS.initialMs,
    maxMs: options.timeoutMs ?? DEFAULT_RTT_LIMITS.initialMs,
    minMs: Math.min(options.minTimeoutMs ?? DEFAULT_RTT_LIMITS.minMs, options.timeoutMs ?? Infinity),
  };
  const retries = options.retries ?? 1;
  const hostGroup = Math.max(1, options.hostGroup ?? 256);
  const bannerMs = options.bannerMs ?? 0;
  const bannerBytes = options.bannerBytes ?? 256;
  const interval = options.rate && options.rate > 0 ? 1000 / options.rate : 0;
  const signal = options.signal;
  const plan = "targets" in targets && typeof targets.targets === "function" ? targets : null;
  const iterator: Iterator<Target> = plan ? plan.targets() : (targets as Iterable<Target>)[Symbol.iterator]();
  const warnings: string[] = plan ? [...plan.warnings] : [];
  if ((options.concurrency ?? 512) > concurrency) {
    warnings.push(`concurrency lowered to ${concurrency}: the open-file limit (ulimit -n) is ${fileLimit}`);
  }

  const reasonTable: string[] = [""];
  const reasonIndex = new Map<string, number>();
  const reasonOf = (r: string) => {
    let i = reasonIndex.get(r);
    if (i === undefined) {
      i = reasonTable.push(r) - 1;
      reasonIndex.set(r, i);
    }
    return i;
  };
  const progress: ScanProgress = { hostsDone: 0, hostsTotal: plan?.size ?? 0, probesDone: 0, probesTotal: (plan?.size ?? 0) * ports.length, openFound: 0 };
  // Local failures by code: of the hosts kept (one warning for the scan), and per host until its
  // group ends (a host whose every probe failed is named in a warning of its own).
  const localFailures = new Map<string, number>();
  const hostFailures = new Map<HostProbes, Map<string, number>>();
  let nextSlot = 0;

  // Waits (rate gate, local retries) end at once on abort. Each wait gets a controller of its
  // own, woken through one listener on the caller's signal: up to `concurrency` workers can be
  // waiting, and Node warns about more than 10 listeners on one signal.
  const waiting = new Set<AbortController>();
  const wakeAll = () => {
    for (const c of waiting) c.abort();
  };
  signal?.addEventListener("abort", wakeAll, { once: true });
  async function pause(ms: number): Promise<void> {
    if (signal?.aborted) return;
    const c = new AbortController();
    waiting.add(c);
    try {
      await effects.sleep(ms, c.signal);
    } finally {
      waiting.delete(c);
    }
  }

  async function rateGate(): Promise<void> {
    if (interval === 0) return;
    const now = effects.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + interval;
    if (at > now) await pause(at - now);
  }

  async function probe(job: Job, pass: number): Promise<void> {
    const h = job.host;
    for (let attempt = 0; ; attempt++) {
      await rateGate();
      // The abort may have come while this worker waited for its slot: launch nothing after it.
      if (signal?.aborted) return;
      const outcome = await effects.connect({
        address: h.target.address,
        family: h.target.family,
        port: ports[job.index]!,
        timeoutMs: rttTimeout(h.rtt, limits),
        bannerMs,
        bannerBytes,
      });
      const c = classifyOutcome(outcome);
      if (outcome.kind === "timeout") grow();
      if (c.kind !== "state") {
        if (c.kind === "retry" && attempt < LOCAL_RETRIES && !signal?.aborted) {
          await pause(20 * (attempt + 1));
          continue;
        }
        let failures = hostFailures.get(h);
        if (!failures) hostFailures.set(h, (failures = new Map()));
        countFailure(failures, c.reason);
        return;
      }
      if (c.rttSample) h.rtt = rttUpdate(h.rtt, outcome.rttMs);
      setState(h, job.index, c.state, reasonOf(c.reason));
      if (c.state === PortState.open) {
        progress.openFound++;
        h.rtts.set(job.index, outcome.rttMs);
        const banner = formatBanner(outcome.banner);
        if (banner !== null) h.banners.set(job.index, banner);
      }
      if (pass === 0) progress.probesDone++;
      return;
    }
  }

  // Probes in flight start at START_WINDOW and grow by one per probe that timed out, up to
  // `concurrency`: waiting (filtered ports, slow links) is what more probes in flight pay for;
  // where everything answers at once (loopback), more in flight only adds contention (measured
  // on 65,535 loopback ports: 1.7 s with 64 in flight, 2.2 s with 512).
  let grow = () => {};
  async function runPool(jobs: Iterator<Job>, pass: number): Promise<void> {
    let live = 0;
    let exhausted = false;
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const worker = async () => {
      try {
        while (!signal?.aborted) {
          const next = jobs.next();
          if (next.done) {
            exhausted = true;
            return;
          }
          await probe(next.value, pass);
          options.onProgress?.(progress);
        }
      } finally {
        if (--live === 0) finish();
      }
    };
    const spawn = () => {
      if (live >= concurrency || exhausted) return;
      live++;
      void worker();
    };
    grow = spawn;
    for (let i = 0; i < Math.min(START_WINDOW, concurrency); i++) spawn();
    await finished;
    grow = () => {};
  }

  const hosts: HostResult[] = [];
  let order = 0;
  let hostsSkipped = 0;
  while (!signal?.aborted) {
    // 1. The next group of hosts.
    const group: HostProbes[] = [];
    while (group.length < hostGroup) {
      const t = iterator.next();
      if (t.done) break;
      group.push(newHostProbes(t.value, order++, ports.length));
    }
    if (group.length === 0) break;
    // 2. First pass, port-major.
    await runPool(
      (function* () {
        for (let index = 0; index < ports.length; index++) for (const host of group) yield { host, index };
      })(),
      0,
    );
    // 3. Filtered ports again, with timeouts from the RTTs measured meanwhile.
    for (let pass = 1; pass <= retries && !signal?.aborted; pass++) {
      await runPool(
        (function* () {
          for (let index = 0; index < ports.length; index++) for (const host of group) if (host.states[index] === 3) yield { host, index };
        })(),
        pass,
      );
    }
    // 4. Results of the group.
    for (const h of group) {
      const failures = hostFailures.get(h);
      hostFailures.delete(h);
      if (!h.states.some((s) => s !== 0)) {
        // A host the abort cut short was not scanned, whatever its first probes met.
        if (failures && !signal?.aborted) {
          const n = [...failures.values()].reduce((a, b) => a + b, 0);
          const codes = [...failures.keys()];
          warnings.push(`${h.target.address}${h.target.hostname ? ` (${h.target.hostname})` : ""}: all ${n} probe(s) failed locally with ${codes.join(", ")}; the host is left out${codes.some((c) => CROWDING.has(c)) ? " (lower --concurrency?)" : ""}`);
        } else {
          hostsSkipped++;
          if (failures) for (const [code, n] of failures) countFailure(localFailures, code, n);
        }
        continue;
      }
      if (failures) for (const [code, n] of failures) countFailure(localFailures, code, n);
      hosts.push(toHostResult(h, ports, reasonTable, { collapseAbove: options.collapseAbove ?? 25, ...(options.services ? { services: options.services } : {}) }));
      progress.hostsDone++;
    }
    options.onProgress?.(progress);
  }
  signal?.removeEventListener("abort", wakeAll);

  for (const [code, n] of localFailures) warnings.push(`${n} probe(s) failed locally with ${code} and were left out${CROWDING.has(code) ? " (lower --concurrency?)" : ""}`);
  const partial = Boolean(signal?.aborted);
  if (partial) {
    const more = iterator.next().done ? 0 : 1;
    warnings.push(
      `${PARTIAL_MARK} the scan was interrupted after ${progress.probesDone} of ${progress.probesTotal || "?"} probes` +
        (hostsSkipped + more > 0 ? `; ${hostsSkipped}${more ? "+" : ""} host(s) were not scanned` : ""),
    );
  }
  return {
    source: "connect",
    hosts,
    warnings,
    partial,
    parameters: {
      ...options.parameters,
      ports: ports.length,
      concurrency,
      timeoutMs: limits.maxMs,
      minTimeoutMs: limits.minMs,
      retries,
      rate: options.rate ?? null,
      bannerMs,
      services: options.services?.source ?? null,
    },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}
