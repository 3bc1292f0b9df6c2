/**
 * Runs netreport's connect scan inside a lab's scanner namespace (the test runner lives in the
 * root namespace) through helpers/scan-child.ts, and reads port states back.
 */
import { execFileSync } from "node:child_process";
import type { HostResult, ScanResult } from "../../../../src/analyses/scan/types.js";
import type { Lab } from "./netns.js";

/** A connect scan of `targets` × `ports` from the lab's scanner namespace. */
export function connectScanInNs(lab: Pick<Lab, "scanner">, targets: string, ports: string, options: Record<string, unknown> = {}): ScanResult & { elapsedMs: number } {
  const out = execFileSync("ip", ["netns", "exec", lab.scanner, process.execPath, "--import", "tsx", "test/analyses/scan/helpers/scan-child.ts", JSON.stringify({ targets, ports, options })], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out) as ScanResult & { elapsedMs: number };
}

/** State of a port in a host result, listed or counted in extraports. */
export function portState(h: HostResult | undefined, port: number): string {
  const listed = h?.ports.find((p) => p.port === port);
  if (listed) return listed.state;
  return h?.extraports.length === 1 ? h.extraports[0]!.state : "missing";
}
