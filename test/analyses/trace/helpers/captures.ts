/**
 * The lab captures the reply-matching tests read, recorded when the tests run (nothing is kept in
 * the repository): tcpdump on the probe namespace's eth0 of a fresh nrt- lab while netreport
 * traces, into a temporary folder the caller removes (removed here if the recording fails).
 *
 *   IPv4 lab: tcp-trace   s1, s2, r3 (far side) × ports 80, 443, TTL 1..8
 *             udp-trace / icmp-trace   s1, TTL 1..8
 *   IPv6 lab: tcp6-trace  the same three targets × 80, 443, hop limits 1..6
 *             udp6-trace / icmp6-trace  s1; tcp6-reject  s2 × 8443 (ip6tables adm-prohibited),
 *             8444 (addr-unreach); and tcp-trace over IPv4 in the same lab (IPv4 is not IPv6)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkNoDrops, startTcpdump } from "../../../helpers/tcpdump.js";
import type { TraceRouteOptions } from "../../../../src/analyses/trace/index.js";
import { traceInNs } from "./run.js";
import { createTraceLab, type TraceLab } from "./topology.js";

type TraceOptions = Omit<TraceRouteOptions, "locator">;

/** Records `eth0` of the probe namespace into `file` while netreport traces with `options`. */
async function recordTrace(lab: TraceLab, file: string, options: TraceOptions): Promise<void> {
  // A small snap length and a large buffer: with -s 262144 libpcap's ring holds only 8 blocks in
  // immediate mode, and a burst of probes lost its tail (frames 43-47 of 48 once).
  const dump = await startTcpdump(lab.probe, ["-i", "eth0", "-U", "--immediate-mode", "-B", "16384", "-n", "-s", "2048", "-w", file]);
  let stderr = "";
  try {
    const { error } = traceInNs(lab, options);
    if (error) throw new Error(`trace for ${file} failed: ${error.code} ${error.message}`);
  } finally {
    // The kernel's RSTs after SYN-ACKs and late replies land within a few hundred ms.
    stderr = await dump.stop();
  }
  // The tests count every probe: a capture that lost frames is no fixture.
  checkNoDrops(stderr, file);
}

/** Builds a lab, records the captures of `family` into a new temporary folder, removes the lab. */
export async function recordLabCaptures(family: 4 | 6): Promise<string> {
  const lab = await createTraceLab(family === 4 ? "cap4" : "cap6", { ipv6: family === 6 });
  let dir = "";
  try {
    dir = mkdtempSync(join(tmpdir(), `nrt-captures${family}-`));
    const a = lab.addr;
    const v4tcp: TraceOptions = { targets: [a.s1, a.s2, a.r3far], ports: [80, 443], maxTtl: 8, timeoutMs: 1000 };
    if (family === 4) {
      await recordTrace(lab, join(dir, "tcp-trace.pcap"), v4tcp);
      await recordTrace(lab, join(dir, "udp-trace.pcap"), { targets: [a.s1], protocol: "udp", maxTtl: 8, timeoutMs: 1000 });
      await recordTrace(lab, join(dir, "icmp-trace.pcap"), { targets: [a.s1], protocol: "icmp", maxTtl: 8, timeoutMs: 1000 });
      return dir;
    }
    const b = lab.addr6!;
    lab.exec(lab.ns.s2, "ip6tables", ["-A", "INPUT", "-p", "tcp", "--dport", "8443", "-j", "REJECT", "--reject-with", "adm-prohibited"]);
    lab.exec(lab.ns.s2, "ip6tables", ["-A", "INPUT", "-p", "tcp", "--dport", "8444", "-j", "REJECT", "--reject-with", "addr-unreach"]);
    await recordTrace(lab, join(dir, "tcp6-trace.pcap"), { targets: [b.s1, b.s2, b.r3far], ports: [80, 443], maxTtl: 6, timeoutMs: 1000 });
    await recordTrace(lab, join(dir, "udp6-trace.pcap"), { targets: [b.s1], protocol: "udp", maxTtl: 6, timeoutMs: 1000 });
    await recordTrace(lab, join(dir, "icmp6-trace.pcap"), { targets: [b.s1], protocol: "icmp", maxTtl: 6, timeoutMs: 1000 });
    await recordTrace(lab, join(dir, "tcp6-reject.pcap"), { targets: [b.s2], ports: [8443, 8444], maxTtl: 6, timeoutMs: 1000 });
    await recordTrace(lab, join(dir, "tcp-trace.pcap"), v4tcp);
    return dir;
  } catch (e) {
    // The caller removes the folder it is given; a recording that failed gives it none.
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    lab.close();
  }
}
