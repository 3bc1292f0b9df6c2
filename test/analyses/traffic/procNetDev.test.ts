/** /proc/net/dev parsing and rate computation. */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { isNetreportError } from "../../../src/errors.js";
import { parseProcNetDev, type InterfaceCounters } from "../../../src/analyses/traffic/procNetDev.js";
import { computeRates } from "../../../src/analyses/traffic/rates.js";

const HEADER = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

describe("parseProcNetDev", () => {
  it("reads this machine's /proc/net/dev: every interface in /sys/class/net, counters that match sysfs", () => {
    const before = parseProcNetDev(readFileSync("/proc/net/dev", "utf8"));
    const sysNames = readdirSync("/sys/class/net").sort();
    expect([...before.keys()].sort()).toEqual(sysNames);
    const lo = before.get("lo")!;
    const sys = (f: string) => Number(readFileSync(`/sys/class/net/lo/statistics/${f}`, "utf8"));
    const rxBytes = sys("rx_bytes");
    const txPackets = sys("tx_packets");
    const after = parseProcNetDev(readFileSync("/proc/net/dev", "utf8")).get("lo")!;
    // Read in between two /proc reads, sysfs sees the same counters (they only grow).
    expect(rxBytes).toBeGreaterThanOrEqual(lo.rxBytes);
    expect(rxBytes).toBeLessThanOrEqual(after.rxBytes);
    expect(txPackets).toBeGreaterThanOrEqual(lo.txPackets);
    expect(txPackets).toBeLessThanOrEqual(after.txPackets);
  });

  it("reads old kernels' glued first counter and all 16 columns", () => {
    const snap = parseProcNetDev(`${HEADER}  eth0:1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n`);
    expect(snap.get("eth0")).toEqual({ name: "eth0", rxBytes: 1000, rxPackets: 10, rxErrors: 1, rxDropped: 2, txBytes: 2000, txPackets: 20, txErrors: 3, txDropped: 4 });
  });

  it("fails with EPROC naming file and line on a short or non-numeric line", () => {
    for (const bad of ["  eth0: 1 2 3\n", "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n", "garbage line\n"]) {
      try {
        parseProcNetDev(HEADER + bad, "dev.txt");
        expect.unreachable();
      } catch (e) {
        expect(isNetreportError(e, "EPROC")).toBe(true);
        expect((e as { where: string }).where).toBe("dev.txt:3");
      }
    }
  });
});

const counters = (name: string, rx: number, tx: number, packets = 0): InterfaceCounters => ({ name, rxBytes: rx, rxPackets: packets, rxErrors: 0, rxDropped: 0, txBytes: tx, txPackets: packets, txErrors: 0, txDropped: 0 });

describe("computeRates", () => {
  it("divides by the measured time, totals per interface, keeps peaks", () => {
    const r = computeRates([
      { at: 0, counters: new Map([["eth0", counters("eth0", 0, 0)]]) },
      { at: 500, counters: new Map([["eth0", counters("eth0", 1000, 500, 4)]]) },
      { at: 2500, counters: new Map([["eth0", counters("eth0", 5000, 500, 8)]]) },
    ]);
    expect(r.traffic.map((t) => [t.rxBytesPerSec, t.txBytesPerSec, t.rxPacketsPerSec])).toEqual([[2000, 1000, 8], [2000, 0, 2]]);
    expect(r.summary[0]).toMatchObject({ rxBytes: 5000, txBytes: 500, rxPeakRate: 2000, rxMeanRate: 2000, txMeanRate: 200, rxTotal: 5000 });
    expect(r.warnings).toEqual([]);
  });

  it("skips an interval whose counters went backwards, with a warning, and notes interfaces that come and go", () => {
    const r = computeRates([
      { at: 0, counters: new Map([["a", counters("a", 100, 100)], ["b", counters("b", 0, 0)]]) },
      { at: 1000, counters: new Map([["a", counters("a", 50, 150)], ["b", counters("b", 10, 0)]]) },
      { at: 2000, counters: new Map([["a", counters("a", 150, 250)], ["c", counters("c", 0, 0)]]) },
    ]);
    expect(r.traffic.filter((t) => t.interface === "a").map((t) => t.rxBytesPerSec)).toEqual([100]);
    expect(r.warnings.some((w) => /counters of a went backwards/.test(w))).toBe(true);
    expect(r.warnings).toContain("interface b disappeared during sampling");
    expect(r.warnings).toContain("interface c appeared during sampling");
  });
});
