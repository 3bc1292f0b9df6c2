/**
 * A small lab of network namespaces for scan tests and benchmarks, all named `nrs-<tag>-*` and
 * addressed in 198.18.32.0/20 (this helper's share of the test range):
 *
 *   nrs-<tag>-br: bridge br0 ── veth ── nrs-<tag>-s   scanner, 198.18.32.1/24
 *                           ├── veth ── nrs-<tag>-h1  198.18.32.11/24
 *                           └── ...  ── nrs-<tag>-hN  198.18.32.(10+N)/24
 *
 * No route leaves the lab. Listeners are Node processes inside a host namespace; everything the
 * lab starts it also stops (`close()`), also after failures.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";

/** True when this process may create namespaces (root with `ip` available). */
export const canNetns: boolean = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Runs a command, throwing with its stderr on failure. */
export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], ...(input ? { input } : {}) });
}

/** A running lab. */
export interface Lab {
  /** Namespace name of the scanner. */
  scanner: string;
  /** Host namespaces and addresses, in order. */
  hosts: Array<{ ns: string; address: string }>;
  /** Runs a command inside a namespace. */
  exec(ns: string, cmd: string, args: string[]): string;
  /** Adds an iptables rule inside a namespace (`-A INPUT ...`). */
  iptables(ns: string, rule: string[]): void;
  /** Starts TCP listeners in a namespace (each sends `banner` on connect); resolves when they listen. */
  listen(ns: string, ports: number[], banner?: string): Promise<ChildProcess>;
  /** Stops one listener process started by {@link listen}. */
  stop(child: ChildProcess): Promise<void>;
  /** Stops listeners and deletes every namespace of the lab. */
  close(): Promise<void>;
}

const LISTENER = `
const net = require("node:net");
const banner = process.argv[1];
const ports = process.argv.slice(2).map(Number);
let left = ports.length;
for (const p of ports) {
  const s = net.createServer((c) => { c.on("error", () => {}); if (banner) c.write(banner); });
  s.listen(p, "0.0.0.0", () => { if (--left === 0) process.stdout.write("ready\\n"); });
}
`;

/** Creates a lab of `hostCount` hosts; `tag` keeps parallel labs apart (≤ 6 characters). */
export async function createLab(tag: string, hostCount: number): Promise<Lab> {
  const br = `nrs-${tag}-br`;
  const scanner = `nrs-${tag}-s`;
  const hosts = Array.from({ length: hostCount }, (_, i) => ({ ns: `nrs-${tag}-h${i + 1}`, address: `198.18.32.${11 + i}` }));
  const all = [br, scanner, ...hosts.map((h) => h.ns)];
  const children = new Set<ChildProcess>();
  const close = async () => {
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
  // A lab of the same tag left by a killed run is removed first.
  await close();
  try {
    sh("ip", ["netns", "add", br]);
    sh("ip", ["-n", br, "link", "add", "br0", "type", "bridge"]);
    sh("ip", ["-n", br, "link", "set", "br0", "up"]);
    const attach = (ns: string, address: string, i: number) => {
      sh("ip", ["netns", "add", ns]);
      sh("ip", ["-n", br, "link", "add", `v${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      sh("ip", ["-n", br, "link", "set", `v${i}`, "master", "br0", "up"]);
      sh("ip", ["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
      sh("ip", ["-n", ns, "link", "set", "eth0", "up"]);
      sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
    };
    attach(scanner, "198.18.32.1", 0);
    hosts.forEach((h, i) => attach(h.ns, h.address, i + 1));
  } catch (e) {
    await close();
    throw e;
  }
  const lab: Lab = {
    scanner,
    hosts,
    exec: (ns, cmd, args) => sh("ip", ["netns", "exec", ns, cmd, ...args]),
    iptables: (ns, rule) => void sh("ip", ["netns", "exec", ns, "iptables", ...rule]),
    listen: (ns, ports, banner = "") =>
      new Promise((resolve, reject) => {
        const c = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", LISTENER, banner, ...ports.map(String)], { stdio: ["ignore", "pipe", "pipe"] });
        children.add(c);
        let err = "";
        c.stderr!.on("data", (d) => (err += d));
        c.stdout!.once("data", () => resolve(c));
        c.once("exit", (code) => reject(new Error(`listener in ${ns} exited (${code}): ${err}`)));
      }),
    stop: (c) =>
      new Promise((resolve) => {
        children.delete(c);
        if (c.exitCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGTERM");
      }),
    close,
  };
  return lab;
}
