/**
 * Routed network namespaces with a delayed link, for scan tests (prefix `nrs-<tag>`) and the
 * benchmark (prefix `nrsb`), addressed in 198.18.32.0/19, with no route out of the lab:
 *
 *   <p>-lo   loopback only (lo up), for scans of 127.0.0.1 that must not meet this machine's services
 *
 *   <p>-s 198.18.33.1 ── veth ── <p>-r (router) ── br0 198.18.34.254 ── veth ── <p>-h1 198.18.34.11
 *                                  │                                  └─ ...  ── <p>-hN 198.18.34.(10+N)
 *                                  └─ tun0: forwarded packets of the delayed hosts go through the
 *                                     delay hop (delay-hop.py), which hands them back `delayMs` later
 *
 * This kernel has no netem, hence the userspace hop. Policy routing in the router: packets to or
 * from a delayed host, arriving from the scanner side or the bridge, use a table whose only route
 * is tun0; what comes back out of tun0 uses the main table (the connected networks), so each
 * direction crosses the hop once and a round trip gains 2 × delayMs.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** Runs a command, throwing with its stderr on failure. */
export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A running routed lab. */
export interface RoutedLab {
  scanner: string;
  hosts: Array<{ ns: string; address: string }>;
  /** One-way delay of the hop actually running (0 when it could not start). */
  delayMs: number;
  /** Why there is no delay, when there is none. */
  noDelayReason: string | null;
  listen(ns: string, ports: number[]): Promise<void>;
  iptables(ns: string, rule: string[]): void;
  close(): void;
}

const LISTENER = `
const net = require("node:net");
const ports = process.argv.slice(1).map(Number);
let left = ports.length;
for (const p of ports) net.createServer((c) => c.on("error", () => {})).listen(p, "0.0.0.0", () => { if (--left === 0) process.stdout.write("ready\\n"); });
`;

function waitReady(c: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = "";
    c.stderr?.on("data", (d) => (err += d));
    c.stdout!.once("data", () => resolve());
    c.once("exit", (code) => reject(new Error(`${what} exited (${code}): ${err}`)));
  });
}

/** Options of {@link createRoutedLab}. */
export interface RoutedLabOptions {
  /** Namespace name prefix: `nrsb` (benchmark) or `nrs-<tag>` (tests). */
  prefix: string;
  hostCount: number;
  /** One-way delay of the hop, ms; 0 for none. */
  delayMs: number;
  /** 0-based indices of the hosts whose link is delayed. Default: all. */
  delayed?: number[];
}

/** Creates the routed lab: `hostCount` hosts, the `delayed` ones behind a hop of `delayMs` each way. */
export async function createRoutedLab(o: RoutedLabOptions): Promise<RoutedLab> {
  const { prefix, hostCount, delayMs } = o;
  const router = `${prefix}-r`;
  const scanner = `${prefix}-s`;
  const hosts = Array.from({ length: hostCount }, (_, i) => ({ ns: `${prefix}-h${i + 1}`, address: `198.18.34.${11 + i}` }));
  const all = [router, scanner, ...hosts.map((h) => h.ns)];
  const children = new Set<ChildProcess>();
  const close = () => {
    for (const c of children) c.kill("SIGKILL");
    children.clear();
    for (const ns of all) {
      try {
        sh("ip", ["netns", "del", ns]);
      } catch {
        /* not created */
      }
    }
  };
  close();
  const inNs = (ns: string, ...args: string[]) => sh("ip", ["netns", "exec", ns, ...args]);
  try {
    sh("ip", ["netns", "add", router]);
    sh("ip", ["-n", router, "link", "set", "lo", "up"]);
    sh("ip", ["-n", router, "link", "add", "br0", "type", "bridge"]);
    sh("ip", ["-n", router, "addr", "add", "198.18.34.254/24", "dev", "br0"]);
    sh("ip", ["-n", router, "link", "set", "br0", "up"]);
    sh("ip", ["netns", "add", scanner]);
    sh("ip", ["-n", router, "link", "add", "s0", "type", "veth", "peer", "name", "eth0", "netns", scanner]);
    sh("ip", ["-n", router, "addr", "add", "198.18.33.254/24", "dev", "s0"]);
    sh("ip", ["-n", router, "link", "set", "s0", "up"]);
    sh("ip", ["-n", scanner, "addr", "add", "198.18.33.1/24", "dev", "eth0"]);
    sh("ip", ["-n", scanner, "link", "set", "eth0", "up"]);
    sh("ip", ["-n", scanner, "link", "set", "lo", "up"]);
    sh("ip", ["-n", scanner, "route", "add", "198.18.34.0/24", "via", "198.18.33.254"]);
    hosts.forEach((h, i) => {
      sh("ip", ["netns", "add", h.ns]);
      sh("ip", ["-n", router, "link", "add", `h${i}`, "type", "veth", "peer", "name", "eth0", "netns", h.ns]);
      sh("ip", ["-n", router, "link", "set", `h${i}`, "master", "br0", "up"]);
      sh("ip", ["-n", h.ns, "addr", "add", `${h.address}/24`, "dev", "eth0"]);
      sh("ip", ["-n", h.ns, "link", "set", "eth0", "up"]);
      sh("ip", ["-n", h.ns, "link", "set", "lo", "up"]);
      sh("ip", ["-n", h.ns, "route", "add", "198.18.33.0/24", "via", "198.18.34.254"]);
    });
    inNs(router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
  } catch (e) {
    close();
    throw e;
  }
  let actualDelay = 0;
  let noDelayReason: string | null = null;
  if (delayMs > 0) {
    try {
      const hop = spawn("ip", ["netns", "exec", router, "python3", join(import.meta.dirname, "delay-hop.py"), "tun0", String(delayMs)], { stdio: ["ignore", "pipe", "pipe"] });
      children.add(hop);
      await waitReady(hop, "delay hop");
      inNs(router, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      inNs(router, "sysctl", "-qw", "net.ipv4.conf.tun0.rp_filter=0");
      sh("ip", ["-n", router, "link", "set", "tun0", "up"]);
      sh("ip", ["-n", router, "route", "add", "default", "dev", "tun0", "table", "100"]);
      for (const i of o.delayed ?? hosts.map((_, j) => j)) {
        const a = hosts[i]!.address;
        sh("ip", ["-n", router, "rule", "add", "iif", "s0", "to", a, "lookup", "100", "pref", "100"]);
        sh("ip", ["-n", router, "rule", "add", "iif", "br0", "from", a, "lookup", "100", "pref", "101"]);
      }
      actualDelay = delayMs;
    } catch (e) {
      noDelayReason = `the userspace delay hop did not start: ${(e as Error).message.split("\n")[0]}`;
    }
  } else {
    noDelayReason = "no delay was asked for";
  }
  return {
    scanner,
    hosts,
    delayMs: actualDelay,
    noDelayReason,
    listen: async (ns, ports) => {
      const c = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", LISTENER, ...ports.map(String)], { stdio: ["ignore", "pipe", "pipe"] });
      children.add(c);
      await waitReady(c, `listener in ${ns}`);
    },
    iptables: (ns, rule) => void inNs(ns, "iptables", ...rule),
    close,
  };
}

/** A namespace `<prefix>-lo` with only its loopback up, and listeners on `ports` of 127.0.0.1. */
export async function createLoopbackLab(prefix: string, ports: number[]): Promise<{ ns: string; close(): void }> {
  const ns = `${prefix}-lo`;
  const children: ChildProcess[] = [];
  const close = () => {
    for (const c of children) c.kill("SIGKILL");
    try {
      sh("ip", ["netns", "del", ns]);
    } catch {
      /* not created */
    }
  };
  close();
  sh("ip", ["netns", "add", ns]);
  sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
  const c = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", LISTENER, ...ports.map(String)], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(c);
  await waitReady(c, "loopback listeners");
  return { ns, close };
}
