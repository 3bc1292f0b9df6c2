/**
 * Parsing Debian traceroute 2.1 output: real runs of `traceroute -T` in the nrt- lab (fixtures/,
 * an open port, a DROPped port, and a REJECT with icmp-admin-prohibited printed as !X without -n)
 * and hand-made lines for the rest of the annotations.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { annotationKind, parseTracerouteOutput, printedHopKind } from "../../../src/analyses/trace/traceroute-output.js";
import { systemTrace, tracerouteArgs, type RunProgram } from "../../../src/analyses/trace/system.js";
import { isNetreportError } from "../../../src/errors.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseTracerouteOutput", () => {
  it("reads header, silent hops and three RTTs per hop (open port 80 of s1)", () => {
    const t = parseTracerouteOutput(fixture("traceroute-T-80-s1.txt"));
    expect(t.target).toBe("198.18.67.2");
    expect(t.maxHops).toBe(8);
    expect(t.hops.map((h) => h.ttl)).toEqual([1, 2, 3, 4]);
    expect(t.hops[0]!.probes.map((p) => p.address)).toEqual(["198.18.64.1", "198.18.64.1", "198.18.64.1"]);
    expect(t.hops[0]!.probes.every((p) => p.rttMs! > 0 && p.rttMs! < 10)).toBe(true);
    expect(t.hops[1]!.probes).toEqual([null, null, null].map(() => ({ address: null, rttMs: null, annotation: null })));
    expect(t.hops.map((h) => printedHopKind(h, "198.18.67.2"))).toEqual([
      { address: "198.18.64.1", kind: "11" },
      { address: null, kind: "unk" },
      { address: "198.18.66.2", kind: "11" },
      { address: "198.18.67.2", kind: "dst" },
    ]);
  });

  it("keeps silent hops to the end for a dropped port", () => {
    const t = parseTracerouteOutput(fixture("traceroute-T-443-s2.txt"));
    expect(t.hops.map((h) => printedHopKind(h, "198.18.68.2").kind)).toEqual(["11", "unk", "11", "unk", "unk", "unk"]);
  });

  it("reads `name (address)` and the !X annotation as ICMP 3/13", () => {
    const t = parseTracerouteOutput(fixture("traceroute-T-8080-s2-names.txt"));
    expect(t.hops[3]!.probes).toEqual([
      { address: "198.18.68.2", rttMs: expect.any(Number), annotation: "X" },
      { address: "198.18.68.2", rttMs: expect.any(Number), annotation: "X" },
    ]);
    expect(printedHopKind(t.hops[3]!, "198.18.68.2")).toEqual({ address: "198.18.68.2", kind: "3/13" });
  });

  it("reads several addresses per hop, annotations and odd spacing", () => {
    const t = parseTracerouteOutput(
      [
        "traceroute to 192.0.2.9 (192.0.2.9), 30 hops max, 60 byte packets",
        " 5  192.0.2.1  1.204 ms 192.0.2.2  1.5 ms *",
        " 6  gw.example (192.0.2.3)  2.000 ms !H  2.1 ms !N  *",
        "10  192.0.2.9  9.1 ms !F-1400 9.2 ms !7 9.3 ms !T4",
        "garbage line",
      ].join("\n"),
    );
    expect(t.hops[0]!.probes).toEqual([
      { address: "192.0.2.1", rttMs: 1.204, annotation: null },
      { address: "192.0.2.2", rttMs: 1.5, annotation: null },
      { address: null, rttMs: null, annotation: null },
    ]);
    expect(t.hops[1]!.probes.map((p) => p.annotation)).toEqual(["H", "N", null]);
    expect(printedHopKind(t.hops[1]!, "192.0.2.9")).toEqual({ address: "192.0.2.3", kind: "3/1" });
    expect(t.hops[2]!.ttl).toBe(10);
    expect(t.hops[2]!.probes.map((p) => p.annotation)).toEqual(["F-1400", "7", "T4"]);
    expect([annotationKind("F-1400"), annotationKind("7"), annotationKind("T4"), annotationKind("P"), annotationKind("S"), annotationKind("V"), annotationKind("C")]).toEqual(["3/4", "3/7", null, "3/2", "3/5", "3/14", "3/15"]);
  });
});

describe("systemTrace (traceroute fallback) with a scripted runner", () => {
  it("runs one traceroute -T per target and port and reads them into hops", async () => {
    const calls: string[][] = [];
    const run: RunProgram = async (_cmd, args) => {
      calls.push(args);
      return { code: 0, stdout: args.includes("443") ? fixture("traceroute-T-443-s2.txt") : fixture("traceroute-T-80-s1.txt"), stderr: "" };
    };
    const r = await systemTrace({ targets: ["198.18.67.2"], ports: [80, 443], maxTtl: 8, timeoutMs: 1000 }, run);
    expect(calls).toEqual([tracerouteArgs("198.18.67.2", 80, { targets: [], maxTtl: 8, timeoutMs: 1000 }), tracerouteArgs("198.18.67.2", 443, { targets: [], maxTtl: 8, timeoutMs: 1000 })]);
    expect(calls[0]).toEqual(["-n", "-T", "-p", "80", "-f", "1", "-m", "8", "-q", "1", "-w", "1", "198.18.67.2"]);
    expect(r.hops.filter((h) => h.port === 80).map((h) => h.kind)).toEqual(["11", "unk", "11", "dst"]);
    expect(r.hops.find((h) => h.kind === "dst")!.isTarget).toBe(true);
    expect(r.warnings.join()).toMatch(/SYN-ACK from RST/);
  });

  it("turns traceroute's privilege complaint into EPERM_RAW and a missing binary into ETRACE", async () => {
    const denied: RunProgram = async () => ({ code: 1, stdout: "", stderr: "You do not have enough privileges to use this traceroute method.\nsocket: Operation not permitted" });
    await expect(systemTrace({ targets: ["198.18.67.2"] }, denied)).rejects.toSatisfy((e) => isNetreportError(e, "EPERM_RAW") && /--protocol udp/.test(e.toLine()));
    const missing: RunProgram = async () => ({ code: 1, stdout: "", stderr: "", missing: true });
    await expect(systemTrace({ targets: ["198.18.67.2"] }, missing)).rejects.toSatisfy((e) => isNetreportError(e, "ETRACE"));
  });
});
