/**
 * IPv6 targets end to end: a namespace of its own (nrs-v6-s) with only loopback, a listener on
 * [::1]:2222 sending a banner, and a scan of ::1 by our connect scan (the raw handle's connect6)
 * and by nmap -6 -sT in the same namespace, and by netreport's nmap adapter, which must add the
 * -6 that nmap needs for an IPv6 target. Needs root; skipped visibly.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNmapXml } from "../../../src/analyses/scan/nmap/import.js";
import { runNmap } from "../../../src/analyses/scan/nmap/run.js";
import { canNetns, sh } from "./helpers/netns.js";
import { connectScanInNs, portState } from "./helpers/run-in-ns.js";

if (!canNetns) console.warn("ipv6.int.test: not root or no `ip netns`: skipping the IPv6 scan");

const NS = "nrs-v6-s";
const LISTENER = `require("node:net").createServer((c) => { c.on("error", () => {}); c.end("v6 hello\\r\\n"); }).listen(2222, "::1", () => process.stdout.write("ready\\n"));`;

describe.skipIf(!canNetns)("IPv6 connect scan", () => {
  let listener: ChildProcess | undefined;
  beforeAll(async () => {
    try {
      sh("ip", ["netns", "del", NS]);
    } catch {
      /* not there */
    }
    sh("ip", ["netns", "add", NS]);
    sh("ip", ["-n", NS, "link", "set", "lo", "up"]);
    listener = spawn("ip", ["netns", "exec", NS, process.execPath, "-e", LISTENER], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((r) => listener!.stdout!.once("data", r));
  });
  afterAll(() => {
    listener?.kill("SIGKILL");
    try {
      sh("ip", ["netns", "del", NS]);
    } catch {
      /* gone */
    }
  });

  it("finds [::1]:2222 open with its banner and its neighbours closed, as nmap -6 -sT does", () => {
    const ours = connectScanInNs({ scanner: NS }, "::1", "2220-2224", { bannerMs: 300 });
    const nmap = parseNmapXml(execFileSync("ip", ["netns", "exec", NS, "nmap", "-6", "-sT", "-n", "-Pn", "-p", "2220-2224", "-oX", "-", "::1"], { encoding: "utf8" }), "nmap -6");
    for (const r of [ours, nmap]) {
      const h = r.hosts.find((x) => x.address === "::1");
      expect([2220, 2221, 2222, 2223, 2224].map((p) => portState(h, p))).toEqual(["closed", "closed", "open", "closed", "closed"]);
    }
    expect(ours.hosts[0]!.ports.find((p) => p.port === 2222)?.banner).toBe("v6 hello\\r\\n");
  });

  it("runs nmap with -6 for an IPv6 target (without it nmap skips ::1 with a warning)", async () => {
    const r = await runNmap(
      { extra: "-sT -n -Pn", targets: ["::1"], ports: "2220-2224", statsEverySeconds: 0 },
      { spawn: (file, args) => spawn("ip", ["netns", "exec", NS, file, ...args], { stdio: ["ignore", "pipe", "pipe"] }) },
    );
    expect((r.parameters.command as string[]).slice(0, 2)).toEqual(["nmap", "-6"]);
    const h = r.hosts.find((x) => x.address === "::1");
    expect([2220, 2221, 2222, 2223, 2224].map((p) => portState(h, p))).toEqual(["closed", "closed", "open", "closed", "closed"]);
  });
});
