/**
 * A network namespace of the pcap tests (prefix `nrp-`, addresses from 198.18.16.0/20 on its
 * loopback), with tcpdump recording inside it while a generator script runs inside it too.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkNoDrops, startTcpdump } from "../../helpers/tcpdump.js";

/** True when this process may create namespaces and run tcpdump. */
export const canNetns = (() => {
  if (process.getuid?.() !== 0) return false;
  if (spawnSync("tcpdump", ["--version"]).status !== 0) return false;
  const probe = `nrp-probe-${process.pid}`;
  const ok = spawnSync("ip", ["netns", "add", probe]).status === 0;
  spawnSync("ip", ["netns", "del", probe]);
  return ok;
})();

/** Creates namespace `name` with `lo` up and the given /32 addresses on it. */
export function createNetns(name: string, addresses: string[]): void {
  if (!name.startsWith("nrp-")) throw new Error("pcap test namespaces must start with nrp-");
  spawnSync("ip", ["netns", "del", name]);
  execFileSync("ip", ["netns", "add", name]);
  execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
  for (const a of addresses) {
    if (!a.startsWith("198.18.")) throw new Error(`address ${a} is outside the test subnet`);
    execFileSync("ip", ["-n", name, "addr", "add", `${a}/32`, "dev", "lo"]);
  }
}

/** Deletes namespace `name` (ignores a missing one). */
export function deleteNetns(name: string): void {
  spawnSync("ip", ["netns", "del", name]);
}

/**
 * Records `lo` of namespace `ns` into `pcap` while `node script` runs inside the namespace;
 * resolves with the script's stdout once tcpdump has flushed and exited.
 */
export async function recordScenario(ns: string, dir: string, name: string, script: string, filter = ""): Promise<{ pcap: string; stdout: string }> {
  const pcap = join(dir, `${name}.pcap`);
  const js = join(dir, `${name}.mjs`);
  writeFileSync(js, script);
  const dump = await startTcpdump(ns, ["-i", "lo", "--immediate-mode", "-B", "16384", "-U", "-n", "-s", "4096", "-w", pcap, ...(filter ? filter.split(" ") : [])]);
  const gen = spawnSync("ip", ["netns", "exec", ns, process.execPath, js], { encoding: "utf8", timeout: 60_000 });
  const stderr = await dump.stop(gen.status === 0 ? 300 : 0);
  if (gen.status !== 0) throw new Error(`generator ${name} failed: ${gen.stderr}`);
  checkNoDrops(stderr, name);
  return { pcap, stdout: gen.stdout };
}
