/**
 * The traceroute lab: network namespaces `nrt-<tag>-*` addressed in 198.18.64.0/18 only, no
 * route out.
 *
 *   p (probe) 198.18.64.2 ── 198.18.64.1 r1 198.18.65.1 ── 198.18.65.2 r2 198.18.66.1 ── 198.18.66.2 r3
 *                                                          (sends no ICMP)                      │
 *                              s1 198.18.67.2 (80 open, 443 closed) ── 198.18.67.1 ───────────┤
 *                              s2 198.18.68.2 (80 closed, 443 DROP) ── 198.18.68.1 ───────────┘
 *
 * Routers forward (ip_forward=1) and do not rate-limit ICMP errors (icmp_ratelimit=0), so a
 * burst of parallel probes gets every time-exceeded it earns; r2 drops its own ICMP output
 * (iptables OUTPUT -p icmp -j DROP) and is the silent `unk` hop 2.
 *
 * With `ipv6`, the same namespaces also carry IPv6 from 2001:2::/48 only (RFC 5180's benchmarking
 * prefix): 198.18.C.D gets 2001:2:0:C::D/64 beside it (nodad, so usable at once), routes mirror
 * the IPv4 ones, routers forward IPv6 and do not rate-limit ICMPv6, and r2 drops its ICMPv6
 * time-exceeded and unreachable output (ip6tables) as it drops its ICMP.
 *
 * With `delayMs`, r1 sends everything that arrives from the probe (IPv4, and IPv6 with `ipv6`)
 * through a TUN device whose userspace forwarder (delay_hop.py) holds each packet that long: real
 * link delay without netem for every hop behind r1 (policy routing: `iif eth0` → TUN, `iif tun0`
 * → the main table).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** True when this process may create namespaces and run iptables (root, `ip`, `iptables`). */
export const canNetns: boolean = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = `nrt-probe-${process.pid}`;
  const ok = spawnSync("ip", ["netns", "add", probe]).status === 0;
  const ipt = ok && spawnSync("ip", ["netns", "exec", probe, "iptables", "-L", "-n"]).status === 0;
  spawnSync("ip", ["netns", "del", probe]);
  return ok && ipt;
})();

/** True when, besides {@link canNetns}, ip6tables works in a namespace (the IPv6 lab). */
export const canNetns6: boolean = (() => {
  if (!canNetns) return false;
  const probe = `nrt-probe6-${process.pid}`;
  const ok = spawnSync("ip", ["netns", "add", probe]).status === 0 && spawnSync("ip", ["netns", "exec", probe, "ip6tables", "-L", "-n"]).status === 0;
  spawnSync("ip", ["netns", "del", probe]);
  return ok;
})();

/** The lab's IPv6 address beside IPv4 address 198.18.C.D: 2001:2:0:C::D. */
export const v6of = (v4: string): string => {
  const [, , c, d] = v4.split(".");
  return `2001:2:0:${c}::${Number(d).toString(16)}`;
};

/** Why namespace tests are skipped, for the skip message. */
export const skipReason = canNetns ? "" : "needs root with `ip netns` and iptables to build the nrt- traceroute lab";

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A running lab. */
export interface TraceLab {
  tag: string;
  probe: string;
  ns: { p: string; r1: string; r2: string; r3: string; s1: string; s2: string };
  /** Addresses: s1, s2, r3's s2-side address (a third target that is a router). */
  addr: { r1: string; r2: string; r3: string; s1: string; s2: string; r3far: string };
  /** The same in IPv6 (see {@link v6of}); null without the `ipv6` option. */
  addr6: { r1: string; r2: string; r3: string; s1: string; s2: string; r3far: string } | null;
  /** Runs a command inside namespace `ns`; returns stdout. */
  exec(ns: string, cmd: string, args: string[], timeoutMs?: number): string;
  close(): void;
}

const LISTENER = `
const net = require("node:net");
const s = net.createServer((c) => c.on("error", () => {}));
s.listen(Number(process.argv[1]), process.argv[2], () => process.stdout.write("ready\\n"));
`;

/** Options of {@link createTraceLab}. */
export interface TraceLabOptions {
  /** One-way delay in ms added behind r1 by a userspace TUN forwarder. Default 0 (none). */
  delayMs?: number;
  /** Also address and route IPv6 in 2001:2::/48 (see the module comment). Default false. */
  ipv6?: boolean;
}

/** Builds the lab (see the module comment); `tag` ≤ 5 characters keeps parallel labs apart. */
export async function createTraceLab(tag: string, options: TraceLabOptions = {}): Promise<TraceLab> {
  const n = (x: string) => `nrt-${tag}-${x}`;
  const ns = { p: n("p"), r1: n("r1"), r2: n("r2"), r3: n("r3"), s1: n("s1"), s2: n("s2") };
  const all = Object.values(ns);
  const children: ChildProcess[] = [];
  const close = () => {
    for (const c of children) c.kill("SIGKILL");
    for (const x of all) spawnSync("ip", ["netns", "del", x]);
  };
  close();
  const link = (a: string, ifa: string, addrA: string, b: string, ifb: string, addrB: string) => {
    for (const addr of [addrA, addrB]) if (!/^198\.18\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(addr)) throw new Error(`${addr} is outside 198.18.64.0/18`);
    sh("ip", ["-n", a, "link", "add", ifa, "type", "veth", "peer", "name", ifb, "netns", b]);
    sh("ip", ["-n", a, "addr", "add", `${addrA}/24`, "dev", ifa]);
    sh("ip", ["-n", b, "addr", "add", `${addrB}/24`, "dev", ifb]);
    if (options.ipv6) {
      for (const [x, dev, v4] of [[a, ifa, addrA], [b, ifb, addrB]] as const) {
        const v6 = v6of(v4);
        if (!v6.startsWith("2001:2:0:")) throw new Error(`${v6} is outside 2001:2::/48`);
        sh("ip", ["-n", x, "addr", "add", `${v6}/64`, "dev", dev, "nodad"]);
      }
    }
    sh("ip", ["-n", a, "link", "set", ifa, "up"]);
    sh("ip", ["-n", b, "link", "set", ifb, "up"]);
  };
  try {
    for (const x of all) {
      sh("ip", ["netns", "add", x]);
      sh("ip", ["-n", x, "link", "set", "lo", "up"]);
      // Link-local addresses skip DAD too: neighbour discovery can start at once.
      if (options.ipv6) sh("ip", ["netns", "exec", x, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]);
    }
    link(ns.p, "eth0", "198.18.64.2", ns.r1, "eth0", "198.18.64.1");
    link(ns.r1, "eth1", "198.18.65.1", ns.r2, "eth0", "198.18.65.2");
    link(ns.r2, "eth1", "198.18.66.1", ns.r3, "eth0", "198.18.66.2");
    link(ns.r3, "eth1", "198.18.67.1", ns.s1, "eth0", "198.18.67.2");
    link(ns.r3, "eth2", "198.18.68.1", ns.s2, "eth0", "198.18.68.2");
    const route = (x: string, ...args: string[]) => sh("ip", ["-n", x, "route", "add", ...args]);
    // Routes stay inside 198.18.64.0/18: no default route anywhere.
    route(ns.p, "198.18.64.0/18", "via", "198.18.64.1");
    route(ns.r1, "198.18.64.0/18", "via", "198.18.65.2");
    route(ns.r2, "198.18.64.0/24", "via", "198.18.65.1");
    route(ns.r2, "198.18.64.0/18", "via", "198.18.66.2");
    route(ns.r3, "198.18.64.0/18", "via", "198.18.66.1");
    route(ns.s1, "198.18.64.0/18", "via", "198.18.67.1");
    route(ns.s2, "198.18.64.0/18", "via", "198.18.68.1");
    for (const r of [ns.r1, ns.r2, ns.r3]) {
      sh("ip", ["netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_per_sec=100000", "net.ipv4.conf.all.rp_filter=0"]);
    }
    sh("ip", ["netns", "exec", ns.r2, "iptables", "-A", "OUTPUT", "-p", "icmp", "-j", "DROP"]);
    sh("ip", ["netns", "exec", ns.s2, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "443", "-j", "DROP"]);
    if (options.ipv6) {
      // Only 2001:2::/48, no default route: mirrors the IPv4 routes above.
      const route6 = (x: string, net: string, via: string) => sh("ip", ["-n", x, "-6", "route", "add", net, "via", v6of(via)]);
      route6(ns.p, "2001:2::/48", "198.18.64.1");
      route6(ns.r1, "2001:2::/48", "198.18.65.2");
      route6(ns.r2, "2001:2:0:64::/64", "198.18.65.1");
      route6(ns.r2, "2001:2::/48", "198.18.66.2");
      route6(ns.r3, "2001:2::/48", "198.18.66.1");
      route6(ns.s1, "2001:2::/48", "198.18.67.1");
      route6(ns.s2, "2001:2::/48", "198.18.68.1");
      for (const r of [ns.r1, ns.r2, ns.r3]) sh("ip", ["netns", "exec", r, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.icmp.ratelimit=0"]);
      // r2 stays silent in IPv6 too; neighbour discovery (ICMPv6 types 133-137) must still pass.
      for (const type of ["time-exceeded", "destination-unreachable"]) sh("ip", ["netns", "exec", ns.r2, "ip6tables", "-A", "OUTPUT", "-p", "ipv6-icmp", "--icmpv6-type", type, "-j", "DROP"]);
      sh("ip", ["netns", "exec", ns.s2, "ip6tables", "-A", "INPUT", "-p", "tcp", "--dport", "443", "-j", "DROP"]);
      // IPv6 starts on a link only once the kernel's link watcher has seen its carrier, which it
      // batches up to a second later; until then routers ignore neighbour solicitations and the
      // first probes wait a whole retransmission (1 s). Wait until every veth is operationally up.
      for (let i = 0; ; i++) {
        const down = all.filter((x) => sh("ip", ["-n", x, "-o", "link", "show", "type", "veth"]).split("\n").some((l) => l.trim() && !/ state UP /.test(l)));
        if (!down.length) break;
        if (i === 50) throw new Error(`veths of ${down.join(", ")} are not up after 5 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const start = (args: string[]) =>
      new Promise<void>((resolve, reject) => {
        const c = spawn("ip", ["netns", "exec", ...args], { stdio: ["ignore", "pipe", "pipe"] });
        children.push(c);
        let err = "";
        c.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        c.stdout!.once("data", () => resolve());
        c.once("exit", (code) => reject(new Error(`${args[1]} in ${args[0]} exited ${code}: ${err}`)));
      });
    await start([ns.s1, process.execPath, "-e", LISTENER, "80", options.ipv6 ? "::" : "0.0.0.0"]);
    if (options.delayMs) {
      await start([ns.r1, "/usr/bin/python3", join(import.meta.dirname, "delay_hop.py"), "tun0", String(options.delayMs)]);
      sh("ip", ["-n", ns.r1, "link", "set", "tun0", "up"]);
      sh("ip", ["-n", ns.r1, "route", "add", "default", "dev", "tun0", "table", "100"]);
      sh("ip", ["-n", ns.r1, "rule", "add", "iif", "eth0", "lookup", "100", "priority", "100"]);
      sh("ip", ["netns", "exec", ns.r1, "sysctl", "-qw", "net.ipv4.conf.tun0.rp_filter=0"]);
      if (options.ipv6) {
        sh("ip", ["-n", ns.r1, "-6", "route", "add", "default", "dev", "tun0", "table", "100"]);
        sh("ip", ["-n", ns.r1, "-6", "rule", "add", "iif", "eth0", "lookup", "100", "priority", "100"]);
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  return {
    tag,
    probe: ns.p,
    ns,
    addr: { r1: "198.18.64.1", r2: "198.18.65.2", r3: "198.18.66.2", s1: "198.18.67.2", s2: "198.18.68.2", r3far: "198.18.68.1" },
    addr6: options.ipv6 ? { r1: v6of("198.18.64.1"), r2: v6of("198.18.65.2"), r3: v6of("198.18.66.2"), s1: v6of("198.18.67.2"), s2: v6of("198.18.68.2"), r3far: v6of("198.18.68.1") } : null,
    exec: (x, cmd, args, timeoutMs = 120_000) => execFileSync("ip", ["netns", "exec", x, cmd, ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] }),
    close,
  };
}
