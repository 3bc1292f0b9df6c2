/**
 * The nmap adapter running the real nmap inside a scanner namespace (nrs-nm-*, 198.18.32.0/24),
 * against hosts the test builds:
 *   h1 198.18.32.11  listener on 22 sending an SSH banner, 80 listening (silent); 81 DROPped
 *   h2 198.18.32.12  every TCP port DROPped (slow for nmap: used to stop it midway)
 * nmap is reached through the injected spawn effect (`ip netns exec <scanner> nmap ...`).
 * Its result must read like our own connect scan of the same ports. Needs root; skipped visibly.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNmap, type NmapEffects } from "../../../src/analyses/scan/nmap/run.js";
import { scanToDatasets, snapshotOf } from "../../../src/analyses/scan/dataset.js";
import { diffScans } from "../../../src/analyses/scan/diff.js";
import { stateCells } from "../../../src/report/compose/scan.js";
import { canNetns, createLab, type Lab } from "./helpers/netns.js";
import { connectScanInNs, portState } from "./helpers/run-in-ns.js";

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; where?: string; hint?: string }> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as { code: string; message: string; where?: string; hint?: string },
  );
}

if (!canNetns) console.warn("nmap-run.int.test: not root or no `ip netns`: skipping the nmap adapter runs");

describe.skipIf(!canNetns)("runNmap against namespace hosts", () => {
  let lab: Lab;
  let inNs: NmapEffects;
  beforeAll(async () => {
    lab = await createLab("nm", 2);
    const [h1, h2] = lab.hosts as [Lab["hosts"][0], Lab["hosts"][0]];
    await lab.listen(h1.ns, [22], "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    await lab.listen(h1.ns, [80]);
    lab.iptables(h1.ns, ["-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "DROP"]);
    lab.iptables(h2.ns, ["-A", "INPUT", "-p", "tcp", "-j", "DROP"]);
    inNs = { spawn: (file, args) => spawn("ip", ["netns", "exec", lab.scanner, file, ...args], { stdio: ["ignore", "pipe", "pipe"] }) };
  });
  afterAll(async () => {
    await lab?.close();
  });

  it("runs nmap -sT -sV and reads its XML into the same datasets as the connect scan", async () => {
    // Port 80's listener never speaks nor closes, which costs -sV ~45 s of probe waits; 22 speaks first.
    const ports = "22-25,81-82";
    const nmap = await runNmap({ extra: "-sT -sV -n -Pn --version-light", targets: ["198.18.32.11"], ports }, inNs);
    const ours = connectScanInNs(lab, "198.18.32.11", ports);
    expect(nmap.source).toBe("nmap");
    expect(nmap.partial).toBe(false);
    const h = nmap.hosts[0]!;
    expect(h.address).toBe("198.18.32.11");
    for (const p of [22, 23, 24, 25, 81, 82]) expect(portState(h, p), `port ${p}`).toBe(portState(ours.hosts[0], p));
    expect(portState(h, 81)).toBe("filtered");
    // -sV recognised the SSH banner: product and version, which the connect scan cannot know.
    expect(h.ports.find((p) => p.port === 22)).toMatchObject({ state: "open", service: "ssh", product: "OpenSSH", version: "9.2p1 Debian 2" });
    const rows = scanToDatasets(nmap).ports.rows.filter((r) => r.state === "open");
    expect(rows.map((r) => `${r.port} ${r.service}`)).toEqual(["22 ssh"]);
    expect((nmap.parameters.command as string[]).join(" ")).toContain("-oX - --stats-every 2s -p 22-25,81-82 -- 198.18.32.11");
  });

  it("runs a SYN scan (-sS, root only) whose states match the connect scan's", async () => {
    const ports = "22-25,80-82";
    const nmap = await runNmap({ extra: "-sS -n -Pn", targets: ["198.18.32.11"], ports }, inNs);
    const ours = connectScanInNs(lab, "198.18.32.11", ports);
    for (const p of [22, 23, 24, 25, 80, 81, 82]) expect(portState(nmap.hosts[0], p), `port ${p}`).toBe(portState(ours.hosts[0], p));
    expect(nmap.hosts[0]!.ports.find((p) => p.port === 22)?.reason).toBe("syn-ack");
    expect((nmap.parameters.scaninfo as Array<{ type: string }>)[0]?.type).toBe("syn");
  });

  it("stops nmap on abort and keeps the host it had finished", async () => {
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 4000);
    const r = await runNmap({ extra: "-sT -n -Pn --max-hostgroup 1", targets: ["198.18.32.11", "198.18.32.12"], ports: "1-3000", signal: ac.signal }, inNs);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.partial).toBe(true);
    expect(r.hosts.map((h) => h.address)).toEqual(["198.18.32.11"]);
    expect(portState(r.hosts[0], 22)).toBe("open");
    expect(r.warnings.join("\n")).toMatch(/nmap was stopped/);
  });

  it("reads nmap's lists of counted ports: with closed and filtered both counted, a port that opens is told from which", async () => {
    // Last in this file: it adds rules and listeners to h1. Ports 60-200: 80 open, 81 and
    // 100-149 filtered (51), the other 89 closed; both counted states are over nmap's 25.
    const h1 = lab.hosts[0]!;
    lab.iptables(h1.ns, ["-A", "INPUT", "-p", "tcp", "--dport", "100:149", "-j", "DROP"]);
    const args = { extra: "-sT -n -Pn -T4 --max-retries 1", targets: ["198.18.32.11"], ports: "60-200" };
    const before = await runNmap(args, inNs);
    const counted = [...before.hosts[0]!.extraports].sort((a, b) => a.state.localeCompare(b.state));
    expect(counted).toEqual([
      { state: "closed", count: 89, ports: "T:60-79,82-99,150-200" },
      { state: "filtered", count: 51, ports: "T:81,100-149" },
    ]);
    // 70 was closed, 120 filtered; now both listen.
    lab.iptables(h1.ns, ["-I", "INPUT", "-p", "tcp", "--dport", "120", "-j", "ACCEPT"]);
    await lab.listen(h1.ns, [70, 120]);
    const after = await runNmap(args, inNs);
    const changes = diffScans(snapshotOf(Object.values(scanToDatasets(before))), snapshotOf(Object.values(scanToDatasets(after))));
    const of = (port: number) => changes.filter((c) => c.port === port).map((c) => [c.change, c.before, c.after]);
    expect(of(70)).toEqual([["port-opened", "closed", "open"]]);
    expect(of(120)).toEqual([["port-opened", "filtered", "open"]]);
    // The heat map of the first scan shows them in their counted states, not "not scanned".
    const grid = stateCells({ ...before, hosts: [...before.hosts, ...after.hosts.map((h) => ({ ...h, address: "198.18.32.250" }))] });
    const cell = (port: number) => grid.cells.find((c) => c.host.startsWith("198.18.32.11") && c.portNumber === port)?.state;
    expect([cell(70), cell(120)]).toEqual(["closed", "filtered"]);
  });

  it("fails with ENMAP and nmap's message when nmap refuses (bad option)", async () => {
    const e = await rejection(runNmap({ extra: "--no-such-nmap-option", targets: ["198.18.32.11"], ports: "22" }, inNs));
    expect(e.code).toBe("ENMAP");
    expect(e.message).toMatch(/^nmap failed: .*no-such-nmap-option/);
  });
});
