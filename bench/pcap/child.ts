/**
 * One netreport analysis in a process of its own, so peak RSS is the analysis's alone: the full
 * pcap analysis (every summary and detector, default thresholds) of the file in argv[2], then one
 * JSON line with the time inside the process (modules already loaded), CPU time and peak RSS.
 */
import { analysePcap } from "../../src/analyses/pcap/analyse.js";

const file = process.argv[2]!;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await analysePcap([file]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    packets: r.totals.packets,
    httpRequests: r.totals.httpRequests,
    conversations: r.datasets.find((d) => d.kind === "pcapConversations")?.rows.length ?? 0,
    findings: r.findings.map((f) => f.rule),
    errors: r.errors.length,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
