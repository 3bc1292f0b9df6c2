/**
 * Sockets and traffic of a real machine: a child process in a fresh network namespace (`nrl-`,
 * loopback only, so nothing else's sockets race with ours) opens known TCP/UDP sockets over IPv4
 * and IPv6 and makes a known loopback load. Cross-checked against `ss` and the byte count of the
 * load, then composed and rendered into a report.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { SocketsResult } from "../../../src/analyses/sessions/read.js";
import type { TrafficResult } from "../../../src/analyses/traffic/sample.js";
import { composeLocalReport } from "../../../src/report/compose/local.js";
import { renderHtml } from "../../../src/report/html.js";

const NS = `nrl-${process.pid}`;
const root = resolve(import.meta.dirname, "../../..");
const canNetns = (() => {
  if (process.getuid?.() !== 0 || spawnSync("ss", ["-V"]).status !== 0) return false;
  const ok = spawnSync("ip", ["netns", "add", NS]).status === 0;
  if (ok) execFileSync("ip", ["-n", NS, "link", "set", "lo", "up"]);
  return ok;
})();
if (!canNetns) console.warn("SKIPPED local.int.test: needs root, iproute2's ip and ss to create a network namespace");
afterAll(() => void spawnSync("ip", ["netns", "del", NS]));

interface ChildResult {
  pid: number;
  comm: string;
  ports: { v4: number; v6: number; udp: number; client: number; udpPeer: number };
  ss: string;
  sockets: SocketsResult;
  traffic: TrafficResult;
  requestsBefore: number;
  requestsAfter: number;
  aborted: { warnings: string[]; rows: number; finishedMs: number };
}

const child = (() => {
  let r: ChildResult | undefined;
  return () => {
    if (!r) {
      const out = execFileSync("ip", ["netns", "exec", NS, process.execPath, "--import", "tsx", "test/analyses/sessions/helpers/local-child.ts"], { cwd: root, encoding: "utf8", timeout: 60_000 });
      r = JSON.parse(out) as ChildResult;
    }
    return r;
  };
})();

/** `ss -Htuan` lines → "proto STATE local peer" with ss's state names and bracket-less addresses. */
function ssTuples(text: string): string[] {
  const addr = (s: string) => {
    const i = s.lastIndexOf(":");
    const host = s.slice(0, i).replace(/^\[|\]$/g, "");
    const port = s.slice(i + 1);
    return `${host}:${port === "*" ? 0 : port}`;
  };
  return text
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .map(([proto, state, , , local, peer]) => `${proto} ${state} ${addr(local!)} ${addr(peer!)}`)
    .sort();
}

const SS_STATE: Record<string, string> = { ESTABLISHED: "ESTAB", UNCONN: "UNCONN", LISTEN: "LISTEN", TIME_WAIT: "TIME-WAIT" };

describe.skipIf(!canNetns)("sessions and traffic of a real network namespace", () => {
  it("lists exactly the sockets ss lists, with the same states, addresses and ports", () => {
    const r = child();
    const ours = [
      ...r.sockets.services.rows.map((s) => `${s.protocol} ${s.protocol === "udp" ? "UNCONN" : "LISTEN"} ${s.address}:${s.port} ${s.address.includes(":") ? "::" : "0.0.0.0"}:0`),
      ...r.sockets.connections.rows.map((c) => `${c.protocol} ${SS_STATE[c.state] ?? c.state} ${c.localAddress}:${c.localPort} ${c.remoteAddress}:${c.remotePort}`),
    ].sort();
    expect(ours).toEqual(ssTuples(r.ss));
    expect(r.sockets.services.warnings).toEqual([]);
  });

  it("names the owning process and pid, and tells inbound from outbound", () => {
    const r = child();
    for (const s of [...r.sockets.services.rows, ...r.sockets.connections.rows]) {
      expect(s.pid).toBe(r.pid);
      expect(s.process).toBe(r.comm);
    }
    const conns = r.sockets.connections.rows;
    expect(conns.find((c) => c.localPort === r.ports.v4)).toMatchObject({ direction: "inbound", remotePort: r.ports.client });
    expect(conns.find((c) => c.localPort === r.ports.client)).toMatchObject({ direction: "outbound", remotePort: r.ports.v4 });
    expect(conns.find((c) => c.protocol === "udp")).toMatchObject({ direction: "outbound", localPort: r.ports.udpPeer, remotePort: r.ports.udp, state: "ESTABLISHED" });
    const v4 = r.sockets.services.rows.find((s) => s.port === r.ports.v4)!;
    expect(v4).toMatchObject({ exposure: "loopback", connections: 1 });
    expect(r.sockets.services.rows.find((s) => s.port === r.ports.v6)).toMatchObject({ address: "::1", exposure: "loopback", connections: 0 });
    expect(r.sockets.services.rows.find((s) => s.port === 6379)).toMatchObject({ address: "0.0.0.0", exposure: "all interfaces", service: "redis" });
  });

  it("measures the loopback load's bytes on lo, in both directions", () => {
    const r = child();
    const lo = r.traffic.interfaces.rows.find((i) => i.interface === "lo")!;
    const served = r.requestsAfter - r.requestsBefore;
    expect(served).toBeGreaterThan(5);
    // Each response is 32 KiB of body; requests in flight at either end of the window count or not.
    expect(lo.rxBytes).toBeGreaterThanOrEqual((served - 2) * 32 * 1024);
    expect(lo.rxBytes).toBeLessThanOrEqual((served + 2) * (32 * 1024 + 1024));
    expect(lo.txBytes).toBe(lo.rxBytes);
    expect(r.traffic.traffic.rows.length).toBeGreaterThanOrEqual(4);
    expect(r.traffic.traffic.rows.every((t) => t.interface === "lo" && t.rxBytesPerSec > 0)).toBe(true);
  });

  it("stops sampling on abort and keeps what it sampled, with a warning", () => {
    const { aborted } = child();
    expect(aborted.finishedMs).toBeLessThan(5000);
    expect(aborted.rows).toBeGreaterThan(0);
    expect(aborted.warnings.join(" ")).toMatch(/sampling stopped after 0\.\d s of 30\.0 s/);
  });

  it("composes a report: exposure finding for Redis on every interface, traffic chart, service graph", async () => {
    const r = child();
    const report = composeLocalReport({ ...r.traffic, ...r.sockets }, { lang: "zh-CN" });
    expect(report.findings?.map((f) => f.title)).toEqual(["Redis (port 6379) listens on every interface"]);
    const { html } = await renderHtml(report);
    expect(html).toContain("主机网络报告");
    expect(html).toContain("流量趋势");
    expect(html).toMatch(/<svg[^>]*>[\s\S]*lo in[\s\S]*<\/svg>/);
    // The graph: the listener's node is labelled with its process and port.
    expect(html).toContain(`tcp/${r.ports.v4}`);
    expect(html).toContain("Redis (port 6379) listens on every interface");
  });
});
