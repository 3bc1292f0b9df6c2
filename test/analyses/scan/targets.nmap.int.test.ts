/**
 * Target expansion against nmap's own: `nmap -sL -n` lists targets without sending anything.
 * Only 198.18.0.0/15, documentation and loopback addresses appear in the specs.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseTargets } from "../../../src/analyses/scan/targets/parse.js";
import { planTargets } from "../../../src/analyses/scan/targets/expand.js";

const hasNmap = (() => {
  try {
    execFileSync("nmap", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasNmap) console.warn("nmap is not installed: skipping the nmap -sL cross-check");

function nmapList(args: string[]): string[] {
  const out = execFileSync("nmap", ["-sL", "-n", ...args], { encoding: "utf8" });
  return [...out.matchAll(/^Nmap scan report for (\S+)$/gm)].map((m) => m[1]!);
}

async function ours(spec: string, exclude?: string): Promise<string[]> {
  const plan = await planTargets(parseTargets(spec), exclude ? { exclude: parseTargets(exclude) } : {});
  return [...plan.targets()].map((t) => t.address);
}

const cases: Array<{ spec: string; exclude?: string; six?: boolean }> = [
  { spec: "198.18.32.7" },
  { spec: "198.18.32-33.1,5-9,250-" },
  { spec: "198.18.0-1.-3,254" },
  { spec: "198.18.32.20/28 192.0.2.0/30 127.0.0.1" },
  { spec: "198.18.40.0/23", exclude: "198.18.40.16/28,198.18.41.0-200" },
  { spec: "198.18.32.*", exclude: "198.18.32.0-99" },
  { spec: "2001:db8::17/125", six: true },
  { spec: "2001:db8::1 ::1", six: true },
];

describe.skipIf(!hasNmap)("target expansion equals nmap -sL", () => {
  for (const c of cases) {
    it(`${c.spec}${c.exclude ? ` --exclude ${c.exclude}` : ""}`, async () => {
      const args = [...(c.six ? ["-6"] : []), ...(c.exclude ? ["--exclude", c.exclude] : []), ...c.spec.split(" ")];
      const expected = nmapList(args);
      expect(expected.length).toBeGreaterThan(0);
      expect(await ours(c.spec, c.exclude)).toEqual(expected);
    });
  }
});
