/**
 * The issue's "netem delay and loss on one link", on a kernel without netem: a routed lab
 * (nrs-dl-*, helpers/routed.ts) where only h1's link goes through the userspace delay hop
 * (10 ms each way) and h1 also drops 30 % of incoming TCP at random (iptables statistic):
 *   h1 198.18.34.11  delayed + lossy; listeners 22, 80; 81 DROPped
 *   h2 198.18.34.12  clean link; listener 443; 444 DROPped
 * States must be the built ones for our scan and for nmap -sT from the same scanner namespace,
 * and the measured RTTs must show which link is slow. Needs root; skipped visibly.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";
import type { ScanResult } from "../../../src/analyses/scan/types.js";
import { canNetns } from "./helpers/netns.js";
import { createRoutedLab, type RoutedLab } from "./helpers/routed.js";
import { connectScanInNs, portState } from "./helpers/run-in-ns.js";

if (!canNetns) console.warn("delay.int.test: not root or no `ip netns`: skipping the delayed, lossy link scans");

const PORTS = "22-24,80-82,443-444";
const EXPECTED: Record<string, Record<number, string>> = {
  "198.18.34.11": { 22: "open", 23: "closed", 24: "closed", 80: "open", 81: "filtered", 82: "closed", 443: "closed", 444: "closed" },
  "198.18.34.12": { 22: "closed", 23: "closed", 24: "closed", 80: "closed", 81: "closed", 82: "closed", 443: "open", 444: "filtered" },
};

function table(r: ScanResult): Record<string, Record<number, string>> {
  return Object.fromEntries(Object.entries(EXPECTED).map(([addr, ports]) => [addr, Object.fromEntries(Object.keys(ports).map((p) => [Number(p), portState(r.hosts.find((h) => h.address === addr), Number(p))]))]));
}

describe.skipIf(!canNetns)("scans over a delayed, lossy link (userspace delay hop + iptables loss)", () => {
  let lab: RoutedLab;
  beforeAll(async () => {
    lab = await createRoutedLab({ prefix: "nrs-dl", hostCount: 2, delayMs: 10, delayed: [0] });
    const [h1, h2] = lab.hosts as [RoutedLab["hosts"][0], RoutedLab["hosts"][0]];
    await lab.listen(h1.ns, [22, 80]);
    lab.iptables(h1.ns, ["-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "DROP"]);
    lab.iptables(h1.ns, ["-A", "INPUT", "-p", "tcp", "-m", "statistic", "--mode", "random", "--probability", "0.3", "-j", "DROP"]);
    await lab.listen(h2.ns, [443]);
    lab.iptables(h2.ns, ["-A", "INPUT", "-p", "tcp", "--dport", "444", "-j", "DROP"]);
  });
  afterAll(() => {
    lab?.close();
  });

  it("the hop is running on h1's link only", () => {
    expect(lab.noDelayReason).toBeNull();
    expect(lab.delayMs).toBe(10);
  });

  it("finds the built states on both links, as nmap -sT does, and measures the slow link's RTT", () => {
    const ours = connectScanInNs(lab, "198.18.34.11-12", PORTS, { retries: 6 });
    expect(table(ours)).toEqual(EXPECTED);
    // nmap -sT itself misreads a port of the lossy, delayed link as filtered in about one run of
    // ten (measured: 1 of 12); it gets up to three runs to agree.
    const runNmap = () => parseNmapXml(execFileSync("ip", ["netns", "exec", lab.scanner, "nmap", "-sT", "-n", "-Pn", "--max-retries", "6", "-p", PORTS, "-oX", "-", "198.18.34.11-12"], { encoding: "utf8" }), "nmap -sT");
    let nmap = runNmap();
    for (let run = 1; run < 3 && JSON.stringify(table(nmap)) !== JSON.stringify(EXPECTED); run++) nmap = runNmap();
    expect(table(nmap)).toEqual(EXPECTED);
    const srtt = (r: ScanResult, a: string) => r.hosts.find((h) => h.address === a)!.srttMs!;
    expect(srtt(ours, "198.18.34.11")).toBeGreaterThanOrEqual(19);
    expect(srtt(ours, "198.18.34.12")).toBeLessThan(10);
    expect(srtt(nmap, "198.18.34.11")).toBeGreaterThanOrEqual(19);
    expect(srtt(nmap, "198.18.34.12")).toBeLessThan(10);
  });
});
