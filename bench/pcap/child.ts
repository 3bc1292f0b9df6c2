/**
 * One netreport analysis in a process of its own, so peak RSS is the analysis's alone: the full
 * pcap analysis (every summary and detector, default thresholds) of the file in argv[2], then one
 * JSON line with the time inside the process (modules already loaded), CPU time and peak RSS.
 * With argv[3] = "warm" it then analyses the file once more in the same process and adds that
 * time: V8 runs the first ~10,000 frames in its interpreter, which a long-lived process (a
 * notebook kernel, a scheduler) pays once. Peak RSS is read before the second pass.
 */
import { analysePcap } from "../../src/analyses/pcap/analyse.js";

const file = process.argv[2]!;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await analysePcap([file]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const maxRssMb = process.resourceUsage().maxRSS / 1024;
let warmMs: number | null = null;
if (process.argv[3] === "warm") {
  const t1 = performance.now();
  await analysePcap([file]);
  warmMs = performance.now() - t1;
}
console.log(
  JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    packets: r.totals.packets,
    httpRequests: r.totals.httpRequests,
    conversations: r.datasets.find((d) => d.kind === "pcapConversations")?.rows.length ?? 0,
    findings: r.findings.map((f) => f.rule),
    errors: r.errors.length,
    maxRssMb,
    warmMs,
  }),
);
