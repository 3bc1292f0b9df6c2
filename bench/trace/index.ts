/**
 * Traceroute benchmark (issue 5): 3 targets × 2 ports in the nrt- namespace lab, timed in one run
 * for netreport's raw trace, scapy's traceroute() and Debian's `traceroute -T`; then the same over
 * IPv6 (the lab's 2001:2::/48 addresses) against scapy's traceroute6() and `traceroute -T`.
 *
 *   1. build the lab (test/analyses/trace/helpers/topology.ts) with a 30 ms userspace delay hop
 *      behind r1 (this kernel has no netem: a TUN device and a Python forwarder, delay_hop.py);
 *      targets s1 (80 open, 443 closed), s2 (80 closed, 443 dropped), r3 (both closed)
 *   2. each tool three times, same settings: TTL 1..30, one probe per hop, 2 s longest wait,
 *      silent hops retried (netreport retries 2, scapy retry=-2; traceroute -T has no retries),
 *      6 `traceroute -T` processes started at once (one per target and port). netreport ends a
 *      round after a quiet spell of 4 × the largest RTT + 250 ms (adaptiveWait); scapy always
 *      waits its full timeout
 *   3. print wall times (process start to exit: Node+tsx, Python+scapy imports included), the
 *      tools' own in-process times where they report them, and whether the hops agree
 *
 * Every path to the dropped port keeps all three tools waiting for their full timeout, so the
 * figures mostly measure how each tool overlaps TTLs and waits. Needs root, python3-scapy, traceroute.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { canNetns, canNetns6, createTraceLab, skipReason, type TraceLab } from "../../test/analyses/trace/helpers/topology.js";
import { ourTable, scapy6AsKinds, scapyTable, type Scapy6Row, type ScapyRow } from "../../test/analyses/trace/helpers/run.js";
import { parseTracerouteOutput, printedHopKind } from "../../src/analyses/trace/traceroute-output.js";
import type { TraceResult } from "../../src/analyses/trace/types.js";

const DELAY_MS = 30;
const TARGETS4 = ["198.18.67.2", "198.18.68.2", "198.18.68.1"];
const TARGETS6 = ["2001:2:0:67::2", "2001:2:0:68::2", "2001:2:0:68::1"];
const PORTS = [80, 443];
const MAX_TTL = 30;
const RUNS = 3;
const helpers = join(import.meta.dirname, "../../test/analyses/trace/helpers");

function timed(args: string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync("ip", args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: 300_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.slice(3).join(" ")} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

async function timedParallel(jobs: string[][]): Promise<{ ms: number; outputs: string[] }> {
  const { spawn } = await import("node:child_process");
  const t0 = performance.now();
  const outputs = await Promise.all(
    jobs.map(
      (args) =>
        new Promise<string>((resolve, reject) => {
          const c = spawn("ip", args, { stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          c.stdout.on("data", (d: Buffer) => (out += d.toString()));
          c.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")} exited ${code}`))));
        }),
    ),
  );
  return { ms: performance.now() - t0, outputs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Runs the benchmark and prints its figures. */
export async function run(): Promise<void> {
  if (!canNetns) {
    console.log(`bench/trace skipped: ${skipReason}`);
    return;
  }
  const lab = await createTraceLab("bn", { delayMs: DELAY_MS, ipv6: canNetns6 });
  try {
    await section(lab, TARGETS4);
    if (canNetns6) await section(lab, TARGETS6);
    else console.log("\nIPv6 part skipped: ip6tables does not work in a namespace here");
  } finally {
    lab.close();
  }
}

/** Times the three tools against `TARGETS` (one address family) and prints the figures. */
async function section(lab: TraceLab, TARGETS: string[]): Promise<void> {
  const v6 = TARGETS[0]!.includes(":");
  const first = TARGETS[0]!;
  console.log(`\n${v6 ? "IPv6" : "IPv4"} lab: probe → r1 → [${DELAY_MS} ms userspace delay hop] → r2 (no ICMP) → r3 → s1/s2; ${TARGETS.length} targets × ${PORTS.length} ports, TTL 1..${MAX_TTL}`);
  const ours: { wall: number[]; inside: number[]; table: string[] } = { wall: [], inside: [], table: [] };
  const scapy: { wall: number[]; inside: number[]; table: string[] } = { wall: [], inside: [], table: [] };
  const tr: { wall: number[]; table: string[] } = { wall: [], table: [] };
  let ourRtts: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const o = timed(["netns", "exec", lab.probe, process.execPath, "--import", "tsx", join(helpers, "trace-child.ts"), JSON.stringify({ targets: TARGETS, ports: PORTS, maxTtl: MAX_TTL, timeoutMs: 2000, retries: 2 })]);
    const parsed = JSON.parse(o.stdout) as { result: TraceResult; elapsedMs: number };
    ours.wall.push(o.ms);
    ours.inside.push(parsed.elapsedMs);
    ours.table = ourTable(parsed.result);
    ourRtts = parsed.result.hops.rows.filter((r) => r.target === first && r.port === 80).map((r) => `hop ${r.ttl} ${r.rttMs === null ? "*" : `${r.rttMs.toFixed(1)} ms`}`);

    // scapy's traceroute6() prints ICMPv6 types; scapy6AsKinds reads them as the dataset's codes.
    const s = timed(["netns", "exec", lab.probe, "/usr/bin/python3", join(helpers, v6 ? "scapy_trace6.py" : "scapy_trace.py"), TARGETS.join(","), PORTS.join(","), String(MAX_TTL), "2"]);
    const sp = JSON.parse(s.stdout) as { answered: Scapy6Row[]; unanswered: ScapyRow[]; elapsedMs: number };
    scapy.wall.push(s.ms);
    scapy.inside.push(sp.elapsedMs);
    scapy.table = scapyTable(v6 ? scapy6AsKinds(sp) : sp, TARGETS, PORTS, MAX_TTL);

    const jobs = TARGETS.flatMap((t) => PORTS.map((p) => ["netns", "exec", lab.probe, "traceroute", "-n", "-T", "-p", String(p), "-m", String(MAX_TTL), "-q", "1", "-w", "2", t]));
    const t = await timedParallel(jobs);
    tr.wall.push(t.ms);
    tr.table = t.outputs.flatMap((out, k) => {
      const target = TARGETS[Math.floor(k / PORTS.length)]!;
      const port = PORTS[k % PORTS.length]!;
      return parseTracerouteOutput(out).hops.map((h) => {
        const { address, kind } = printedHopKind(h, target);
        return `${target}:${port} ${h.ttl} ${address ?? "*"} ${kind}`;
      });
    });
  }
  const agree = (a: string[], b: string[]) => (JSON.stringify(a.map((l) => l.replace(/ (SA|RA|dst)$/, " end"))) === JSON.stringify(b.map((l) => l.replace(/ (SA|RA|dst)$/, " end"))) ? "same hops" : "hops differ");
  const peer = v6 ? "scapy traceroute6" : "scapy traceroute ";
  console.log(`median of ${RUNS} runs (wall = process start to exit; inside = the tool's own timer)`);
  console.log(`  netreport raw      wall ${fmt(median(ours.wall))}  inside ${fmt(median(ours.inside))}  ${ours.table.length} hop rows`);
  console.log(`  ${peer}  wall ${fmt(median(scapy.wall))}  inside ${fmt(median(scapy.inside))}  ${agree(ours.table, scapy.table)} as netreport`);
  console.log(`  traceroute -T      wall ${fmt(median(tr.wall))}  (6 processes at once)  ${agree(ours.table, tr.table)} as netreport (destination kind not printed)`);
  console.log(`  ratios (wall): scapy / netreport ${(median(scapy.wall) / median(ours.wall)).toFixed(2)}×, traceroute -T / netreport ${(median(tr.wall) / median(ours.wall)).toFixed(2)}×`);
  console.log(`  ratios (inside): scapy / netreport ${(median(scapy.inside) / median(ours.inside)).toFixed(2)}×`);
  console.log(`  netreport RTTs to ${first}:80 (last run): ${ourRtts.join(", ")} — hops behind r1 carry the ${DELAY_MS} ms delay hop`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
