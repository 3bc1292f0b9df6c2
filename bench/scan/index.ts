/**
 * Scan benchmark (issue 4), against nmap -sT measured in the same run, in namespaces of its own
 * (nrsb-*, built by test/analyses/scan/helpers/routed.ts) so no service of this machine is ever probed:
 *
 *   1. all 65,535 TCP ports of 127.0.0.1 in a namespace with only lo and 5 listeners,
 *      vs `nmap -sT -p- -n -Pn 127.0.0.1`. Target: ratio ≤ 1.0.
 *   2. 5 hosts × 1,000 ports, 70 % filtered (iptables DROP), behind a userspace delay hop
 *      adding 10 ms each way (20 ms RTT; this kernel has no netem), vs `nmap -sT -n -Pn`,
 *      with identical states port by port. Target: ratio ≤ 1.2.
 *
 * Each side runs RUNS times, alternating; medians are printed. netreport's time is the scan
 * itself inside its process (Node and tsx start-up are printed apart); nmap's is the whole
 * nmap process, whose start-up is a few ms.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseXml, children, child, type XmlElement } from "../../src/analyses/scan/nmap/xml.js";
import type { ScanResult } from "../../src/analyses/scan/types.js";
import { createRoutedLab, createLoopbackLab, type RoutedLab } from "../../test/analyses/scan/helpers/routed.js";

const RUNS = Number(process.env.SCAN_BENCH_RUNS ?? 3);
const root = join(import.meta.dirname, "../..");

type States = Map<string, Map<number, string>>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ourScan(ns: string, targets: string, ports: string, options: Record<string, unknown> = {}): { result: ScanResult; scanMs: number; processMs: number } {
  const t = performance.now();
  const out = execFileSync("ip", ["netns", "exec", ns, process.execPath, "--import", "tsx", join(root, "bench/scan/child.ts"), JSON.stringify({ targets, ports, options })], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  const processMs = performance.now() - t;
  const r = JSON.parse(out) as ScanResult & { elapsedMs: number };
  return { result: r, scanMs: r.elapsedMs, processMs };
}

function nmapScan(ns: string, args: string[]): { xml: string; ms: number } {
  const t = performance.now();
  const xml = execFileSync("ip", ["netns", "exec", ns, "nmap", "-sT", "-n", "-Pn", "-oX", "-", ...args], { encoding: "utf8", maxBuffer: 256 << 20 });
  return { xml, ms: performance.now() - t };
}

/** Expands "1-3,7" (nmap's extrareasons ports attribute) to numbers. */
function expandPorts(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(",")) {
    const [a, b] = part.split("-").map(Number);
    for (let p = a!; p <= (b ?? a!); p++) out.push(p);
  }
  return out;
}

/** Every port's state per host from nmap XML: listed ports, and extrareasons' port lists (nmap ≥ 7.92). */
function nmapStates(xml: string): { states: States; srttMs: number[] } {
  const states: States = new Map();
  const srttMs: number[] = [];
  for (const h of children(parseXml(xml, "nmap"), "host")) {
    const addr = children(h, "address").find((a) => a.attrs.addrtype === "ipv4")?.attrs.addr ?? "?";
    const m = new Map<number, string>();
    for (const block of children(h, "ports")) {
      for (const e of children(block, "extraports")) {
        for (const r of children(e, "extrareasons") as XmlElement[]) if (r.attrs.ports) for (const p of expandPorts(r.attrs.ports)) m.set(p, e.attrs.state!);
      }
      for (const p of children(block, "port")) m.set(Number(p.attrs.portid), child(p, "state")?.attrs.state ?? "?");
    }
    const srtt = Number(child(h, "times")?.attrs.srtt);
    if (Number.isFinite(srtt)) srttMs.push(srtt / 1000);
    states.set(addr, m);
  }
  return { states, srttMs };
}

/** Every port's state per host from our result (listed ports; a single extraports state fills the rest). */
function ourStates(r: ScanResult, ports: number[]): States {
  const states: States = new Map();
  for (const h of r.hosts) {
    const m = new Map<number, string>();
    const rest = h.extraports.length === 1 ? h.extraports[0]!.state : "?";
    for (const p of ports) m.set(p, rest);
    for (const p of h.ports) m.set(p.port, p.state);
    states.set(h.address, m);
  }
  return states;
}

function compare(a: States, b: States): { identical: boolean; differences: string[] } {
  const differences: string[] = [];
  for (const addr of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(addr);
    const y = b.get(addr);
    if (!x || !y) {
      differences.push(`${addr}: only in ${x ? "netreport" : "nmap"}`);
      continue;
    }
    for (const p of new Set([...x.keys(), ...y.keys()])) if (x.get(p) !== y.get(p)) differences.push(`${addr}:${p} netreport ${x.get(p) ?? "-"} / nmap ${y.get(p) ?? "-"}`);
  }
  return { identical: differences.length === 0, differences };
}

function counts(s: States): string {
  const c: Record<string, number> = {};
  for (const m of s.values()) for (const st of m.values()) c[st] = (c[st] ?? 0) + 1;
  return Object.entries(c).map(([k, v]) => `${v.toLocaleString("en")} ${k}`).join(", ");
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function report(name: string, ours: Array<{ scanMs: number; processMs: number }>, nmap: number[], target: number, same: { identical: boolean; differences: string[] }, states: string): void {
  const o = median(ours.map((x) => x.scanMs));
  const p = median(ours.map((x) => x.processMs));
  const n = median(nmap);
  const ratio = o / n;
  console.log(`${name}`);
  console.log(`  netreport connect scan  ${sec(o)}  (median of ${ours.length}; whole process with Node+tsx start-up ${sec(p)})`);
  console.log(`  nmap -sT                ${sec(n)}  (median of ${nmap.length}, whole process)`);
  console.log(`  ratio netreport / nmap  ${ratio.toFixed(2)}  target ≤ ${target.toFixed(1)}: ${ratio <= target ? "met" : "NOT met"}`);
  console.log(`  states                  ${same.identical ? "identical" : `DIFFERENT at ${same.differences.length} port(s): ${same.differences.slice(0, 5).join("; ")}`} (${states})`);
}

async function loopback(): Promise<void> {
  const listeners = [22, 80, 443, 8080, 31337];
  const lab = await createLoopbackLab("nrsb", listeners);
  try {
    const ours: Array<{ scanMs: number; processMs: number }> = [];
    const nmap: number[] = [];
    let last: { our: States; nmap: States } | null = null;
    const all = Array.from({ length: 65535 }, (_, i) => i + 1);
    for (let i = 0; i < RUNS; i++) {
      const o = ourScan(lab.ns, "127.0.0.1", "-", { collapseAbove: 25 });
      ours.push(o);
      const n = nmapScan(lab.ns, ["-p-", "127.0.0.1"]);
      nmap.push(n.ms);
      last = { our: ourStates(o.result, all), nmap: nmapStates(n.xml).states };
    }
    report("1. all 65,535 TCP ports of 127.0.0.1 (namespace nrsb-lo: lo only, 5 listeners)", ours, nmap, 1.0, compare(last!.our, last!.nmap), counts(last!.our));
  } finally {
    lab.close();
  }
}

async function filteredHosts(): Promise<void> {
  const lab: RoutedLab = await createRoutedLab({ prefix: "nrsb", hostCount: 5, delayMs: 10 });
  try {
    for (const [i, h] of lab.hosts.entries()) {
      await lab.listen(h.ns, [22, 80, 443, 100 + i]);
      lab.iptables(h.ns, ["-A", "INPUT", "-p", "tcp", "--dport", "301:1000", "-j", "DROP"]);
    }
    const targets = "198.18.34.11-15";
    const ports = Array.from({ length: 1000 }, (_, i) => i + 1);
    const ours: Array<{ scanMs: number; processMs: number }> = [];
    const nmap: number[] = [];
    let last: { our: States; nmap: States; srtt: number[]; oursrtt: number[] } | null = null;
    for (let i = 0; i < RUNS; i++) {
      const o = ourScan(lab.scanner, targets, "1-1000");
      ours.push(o);
      const n = nmapScan(lab.scanner, ["-p", "1-1000", targets]);
      nmap.push(n.ms);
      const parsed = nmapStates(n.xml);
      last = { our: ourStates(o.result, ports), nmap: parsed.states, srtt: parsed.srttMs, oursrtt: o.result.hosts.map((h) => h.srttMs ?? NaN) };
    }
    const delay = lab.delayMs
      ? `link delay ${lab.delayMs} ms each way through the userspace TUN hop (no netem in this kernel); measured srtt: netreport ${median(last!.oursrtt).toFixed(1)} ms, nmap ${median(last!.srtt).toFixed(1)} ms`
      : `NO LINK DELAY in this run (${lab.noDelayReason}): the 20 ms RTT of the issue is not reproduced`;
    report(`2. 5 hosts × 1,000 ports, 70 % filtered (iptables DROP); ${delay}`, ours, nmap, 1.2, compare(last!.our, last!.nmap), counts(last!.our));
  } finally {
    lab.close();
  }
}

/** Runs both measurements and prints their figures. */
export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("bench/scan needs root (network namespaces); skipped");
    return;
  }
  console.log(`nmap: ${execFileSync("nmap", ["--version"], { encoding: "utf8" }).split("\n")[0]}; node ${process.version}; ${RUNS} run(s) each`);
  await loopback();
  await filteredHosts();
}
