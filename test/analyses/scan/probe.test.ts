import { describe, expect, it } from "vitest";
import { classifyOutcome } from "../../../src/analyses/scan/probe/classify.js";
import { formatBanner, formatText } from "../../../src/analyses/scan/probe/banner.js";
import { rttInit, rttTimeout, rttUpdate } from "../../../src/analyses/scan/probe/rtt.js";
import { connectScan, defaultScanEffects, type ScanEffects } from "../../../src/analyses/scan/probe/connectScan.js";
import { isSelfConnection, type ProbeRequest } from "../../../src/analyses/scan/probe/tcp.js";
import { builtinServices } from "../../../src/analyses/scan/ports/services.js";
import type { Target } from "../../../src/analyses/scan/targets/expand.js";

const out = (kind: "connected" | "timeout" | "error", code: string | null = null) => ({ kind, code, rttMs: 2, banner: null });

describe("classifyOutcome", () => {
  it("reads outcomes as nmap -sT does", () => {
    expect(classifyOutcome(out("connected"))).toMatchObject({ state: "open", reason: "syn-ack" });
    expect(classifyOutcome(out("error", "ECONNREFUSED"))).toMatchObject({ state: "closed", rttSample: true });
    expect(classifyOutcome(out("timeout"))).toMatchObject({ state: "filtered", reason: "no-response", rttSample: false });
    expect(classifyOutcome(out("error", "EHOSTUNREACH"))).toMatchObject({ state: "filtered", reason: "host-unreach" });
    expect(classifyOutcome(out("error", "ENETUNREACH"))).toMatchObject({ state: "filtered", reason: "net-unreach" });
    expect(classifyOutcome(out("error", "EMFILE"))).toEqual({ kind: "retry", reason: "EMFILE" });
    expect(classifyOutcome(out("error", "EADDRNOTAVAIL")).kind).toBe("retry");
    expect(classifyOutcome(out("error", "ESELFCONNECT")).kind).toBe("retry");
    // A failure another attempt cannot get past is given up at once.
    expect(classifyOutcome(out("error", "EINVAL"))).toEqual({ kind: "failed", reason: "EINVAL" });
  });

  it("knows a loopback socket that connected to itself", () => {
    expect(isSelfConnection({ localAddress: "127.0.0.1", localPort: 42982, remoteAddress: "127.0.0.1", remotePort: 42982 })).toBe(true);
    expect(isSelfConnection({ localAddress: "127.0.0.1", localPort: 42981, remoteAddress: "127.0.0.1", remotePort: 42982 })).toBe(false);
    expect(isSelfConnection({ localAddress: "198.18.32.1", localPort: 42982, remoteAddress: "198.18.32.11", remotePort: 42982 })).toBe(false);
    expect(isSelfConnection({})).toBe(false);
  });
});

describe("RTT estimator", () => {
  it("starts at the initial timeout and follows srtt + 4·rttvar within the clamps", () => {
    let s = rttInit();
    expect(rttTimeout(s)).toBe(1000);
    s = rttUpdate(s, 40);
    expect(s).toEqual({ srtt: 40, rttvar: 40, samples: 1 });
    expect(rttTimeout(s)).toBe(200);
    s = rttUpdate(s, 48);
    expect(s.srtt).toBe(41);
    expect(s.rttvar).toBe(32);
    expect(rttTimeout(s)).toBe(41 + 128);
    const fast = rttUpdate(rttInit(), 0.2);
    expect(fast.rttvar).toBe(5);
    expect(rttTimeout(fast)).toBe(100);
    expect(rttTimeout(rttUpdate(rttInit(), 5000))).toBe(10_000);
    expect(rttUpdate(s, 5000)).toBe(s);
  });
});

describe("formatBanner", () => {
  it("escapes control bytes and backslashes", () => {
    expect(formatBanner(Buffer.from("SSH-2.0-x\r\n\x1b[31m\\"))).toBe("SSH-2.0-x\\r\\n\\x1b[31m\\\\");
    expect(formatBanner(null)).toBeNull();
  });
});

describe("formatText", () => {
  it("keeps printable text of any script and escapes what drives a terminal or reorders a line", () => {
    expect(formatText("服务器-01 ümlaut 🙂 a\\b")).toBe("服务器-01 ümlaut 🙂 a\\\\b");
    expect(formatText("x\r\n\t\x1b[2J\x7f")).toBe("x\\r\\n\\t\\x1b[2J\\x7f");
    // C1 CSI, RTL override (Trojan Source), line separator, BOM, a lone surrogate.
    expect(formatText("a\u009bb\u202ec\u2028d\ufeffe\ud800f")).toBe("a\\u{9b}b\\u{202e}c\\u{2028}d\\u{feff}e\\u{d800}f");
    expect(formatText("a\u009bb\u202ec")).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
  });
});

/** A fake network: per address, port → behaviour; a virtual clock; counts probes in flight. */
function fakeWorld(net: Record<string, (port: number, attempt: number) => "open" | "closed" | "drop" | "unreach" | "emfile" | "einval">) {
  let now = 0;
  let inFlight = 0;
  const seen = { maxInFlight: 0, probes: [] as ProbeRequest[], attempts: new Map<string, number>(), sleeps: 0 };
  const effects: ScanEffects = {
    openFileLimit: () => 100,
    now: () => now,
    sleep: async (ms) => {
      seen.sleeps++;
      now += ms;
    },
    connect: async (req) => {
      seen.probes.push(req);
      const key = `${req.address}:${req.port}`;
      const attempt = seen.attempts.get(key) ?? 0;
      seen.attempts.set(key, attempt + 1);
      inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      const b = net[req.address]?.(req.port, attempt) ?? "drop";
      if (b === "open") return { kind: "connected", code: null, rttMs: 3, banner: req.bannerMs > 0 ? Buffer.from("220 hi\r\n") : null };
      if (b === "closed") return { kind: "error", code: "ECONNREFUSED", rttMs: 3, banner: null };
      if (b === "unreach") return { kind: "error", code: "EHOSTUNREACH", rttMs: 1, banner: null };
      if (b === "emfile") return { kind: "error", code: "EMFILE", rttMs: 0, banner: null };
      if (b === "einval") return { kind: "error", code: "EINVAL", rttMs: 0, banner: null };
      return { kind: "timeout", code: null, rttMs: req.timeoutMs, banner: null };
    },
  };
  return { effects, seen };
}

const t = (address: string): Target => ({ address, family: 4, hostname: null });
const ports = Array.from({ length: 60 }, (_, i) => 20 + i);

describe("connectScan (fake network)", () => {
  it("keeps 64 probes in flight where everything answers, and grows toward the limit as probes time out", async () => {
    const many = Array.from({ length: 2000 }, (_, i) => i + 1);
    const fast = fakeWorld({ "198.18.32.2": () => "closed" });
    await connectScan([t("198.18.32.2")], { ports: many, concurrency: 400 }, { ...fast.effects, openFileLimit: () => 10_000 });
    expect(fast.seen.maxInFlight).toBe(64);
    const slow = fakeWorld({ "198.18.32.2": () => "drop" });
    await connectScan([t("198.18.32.2")], { ports: many, concurrency: 400, retries: 0 }, { ...slow.effects, openFileLimit: () => 10_000 });
    expect(slow.seen.maxInFlight).toBe(400);
  });

  it("classifies every port, bounds concurrency by the file limit, adapts timeouts and retries filtered ports", async () => {
    const { effects, seen } = fakeWorld({
      "198.18.32.2": (p) => (p === 22 || p === 25 ? "open" : p < 50 ? "closed" : "drop"),
      "198.18.32.3": (p, attempt) => (p === 78 && attempt >= 1 ? "open" : p === 77 ? "unreach" : "drop"),
    });
    const r = await connectScan([t("198.18.32.2"), t("198.18.32.3")], { ports, concurrency: 1000, retries: 2, bannerMs: 100, services: builtinServices() }, effects);
    expect(seen.maxInFlight).toBeLessThanOrEqual(36);
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(r.warnings.join()).toMatch(/concurrency lowered to 36/);
    const [a, b] = r.hosts;
    expect(a!.status).toBe("up");
    expect(a!.ports.filter((p) => p.state === "open").map((p) => [p.port, p.service, p.banner])).toEqual([
      [22, "ssh", "220 hi\\r\\n"],
      [25, "smtp", "220 hi\\r\\n"],
    ]);
    // 28 closed (20..49 minus 2 open) and 30 filtered: both above 25, so counted, with their ports.
    expect(a!.extraports).toEqual([
      { state: "closed", count: 28, ports: "T:20-21,23-24,26-49" },
      { state: "filtered", count: 30, ports: "T:50-79" },
    ]);
    expect(a!.srttMs).toBe(3);
    // Before any answer the initial 1000 ms; once host a answered in 3 ms, the 100 ms floor,
    // also for both re-probes of its filtered ports.
    expect(seen.probes[0]!.timeoutMs).toBe(1000);
    const retried = seen.probes.filter((p) => p.address === "198.18.32.2" && p.port === 60);
    expect(retried.map((p) => p.timeoutMs)).toEqual([100, 100, 100]);
    // Host b: port 78 dropped once, answered on the retry.
    expect(b!.ports.find((p) => p.port === 78)?.state).toBe("open");
    expect(b!.extraports).toEqual([{ state: "filtered", count: 59, ports: "T:20-77,79" }]);
    expect(r.partial).toBe(false);
  });

  it("lists all states of small scans and marks silent hosts unknown", async () => {
    const { effects } = fakeWorld({ "198.18.32.2": (p) => (p === 22 ? "open" : p === 23 ? "closed" : p === 25 ? "unreach" : "drop") });
    const r = await connectScan([t("198.18.32.2"), t("198.18.32.9")], { ports: [22, 23, 24, 25], retries: 0 }, effects);
    expect(r.hosts[0]!.ports.map((p) => `${p.port}:${p.state}:${p.reason}`)).toEqual([
      "22:open:syn-ack",
      "23:closed:conn-refused",
      "24:filtered:no-response",
      "25:filtered:host-unreach",
    ]);
    expect(r.hosts[1]!.status).toBe("unknown");
  });

  it("retries local failures and then warns instead of inventing a state", async () => {
    const { effects, seen } = fakeWorld({ "198.18.32.2": (p, attempt) => (p === 22 && attempt < 2 ? "emfile" : p === 23 ? "emfile" : "open") });
    const r = await connectScan([t("198.18.32.2")], { ports: [22, 23], retries: 0 }, effects);
    expect(r.hosts[0]!.ports.map((p) => p.port)).toEqual([22]);
    expect(seen.attempts.get("198.18.32.2:23")).toBe(6);
    expect(r.warnings.join()).toMatch(/1 probe\(s\) failed locally with EMFILE/);
  });

  it("names a host whose every probe failed locally, with the error, and hints at --concurrency only where that helps", async () => {
    // fe80::1 without a zone: connect() fails with EINVAL on every port, whatever the concurrency.
    const { effects, seen } = fakeWorld({ "198.18.32.2": (p) => (p === 23 ? "emfile" : "closed"), "fe80::1": () => "einval" });
    const linkLocal: Target = { address: "fe80::1", family: 6, hostname: null };
    const r = await connectScan([t("198.18.32.2"), linkLocal], { ports: [22, 23, 24], retries: 0 }, effects);
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.2"]);
    expect(r.warnings).toContain("fe80::1: all 3 probe(s) failed locally with EINVAL; the host is left out");
    expect(r.warnings).toContain("1 probe(s) failed locally with EMFILE and were left out (lower --concurrency?)");
    expect(r.warnings.filter((w) => w.includes("EINVAL"))).toHaveLength(1);
    expect(r.partial).toBe(false);
    // EINVAL comes back whatever is tried: one attempt a port, against six for EMFILE.
    expect([22, 23, 24].map((p) => seen.attempts.get(`fe80::1:${p}`))).toEqual([1, 1, 1]);
    expect(seen.attempts.get("198.18.32.2:23")).toBe(6);
  });

  it("counts a host whose probes had only failed locally when the abort came as not scanned, not as failed", async () => {
    const ac = new AbortController();
    const { effects } = fakeWorld({ "198.18.32.2": () => "emfile" });
    const r = await connectScan([t("198.18.32.2")], { ports: Array.from({ length: 1000 }, (_, i) => i + 1), concurrency: 2, signal: ac.signal, onProgress: () => ac.abort() }, {
      ...effects,
      connect: (req) => {
        ac.abort();
        return effects.connect(req);
      },
    });
    expect(r.partial).toBe(true);
    expect(r.warnings.join("\n")).not.toMatch(/all \d+ probe\(s\) failed locally/);
    expect(r.warnings.join("\n")).toMatch(/1 host\(s\) were not scanned/);
    expect(r.warnings.join("\n")).toMatch(/probe\(s\) failed locally with EMFILE and were left out \(lower --concurrency\?\)/);
  });

  it("spaces probe starts by the rate limit", async () => {
    const { effects, seen } = fakeWorld({ "198.18.32.2": () => "closed" });
    const start = effects.now();
    await connectScan([t("198.18.32.2")], { ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rate: 100 }, effects);
    expect(effects.now() - start).toBeGreaterThanOrEqual(90);
    expect(seen.sleeps).toBeGreaterThanOrEqual(9);
  });

  it("stops on abort and returns a partial result that says so", async () => {
    const ac = new AbortController();
    const { effects, seen } = fakeWorld({ "198.18.32.2": () => "closed" });
    const r = await connectScan([t("198.18.32.2"), t("198.18.32.3")], {
      ports,
      concurrency: 4,
      hostGroup: 1,
      signal: ac.signal,
      onProgress: (p) => (p.probesDone >= 10 ? ac.abort() : undefined),
    }, effects);
    expect(r.partial).toBe(true);
    expect(seen.probes.length).toBeLessThan(20);
    expect(r.hosts.length).toBe(1);
    expect(r.warnings.join()).toMatch(/partial result: the scan was interrupted after \d+ of/);
  });

  it("stops a rate-limited scan at once on abort: no probe starts after it, sleeping workers wake", async () => {
    // Real clock and the real (abortable) sleep, a fake connect: at 20 probes/s, 64 workers
    // have reserved start slots up to 3.2 s ahead when the abort comes at 300 ms.
    const ac = new AbortController();
    const { effects } = fakeWorld({ "198.18.32.2": () => "closed" });
    let startedAfterAbort = 0;
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 300);
    const r = await connectScan([t("198.18.32.2")], { ports: Array.from({ length: 1000 }, (_, i) => i + 1), rate: 20, signal: ac.signal }, {
      ...effects,
      now: defaultScanEffects.now,
      sleep: defaultScanEffects.sleep,
      connect: (req) => {
        if (ac.signal.aborted) startedAfterAbort++;
        return effects.connect(req);
      },
    });
    // Well under the 3.2 s of reserved start slots, with room for a busy machine.
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(startedAfterAbort).toBe(0);
    expect(r.partial).toBe(true);
    expect(r.hosts[0]!.ports.length).toBeGreaterThanOrEqual(4);
    expect(r.warnings.join()).toMatch(/partial result: the scan was interrupted after \d+ of/);
  });
});
