/** tcpdump recording inside a test's network namespace, shared by the pcap and trace tests. */
import { spawn } from "node:child_process";

/** A running tcpdump. */
export interface Recording {
  /**
   * Waits `settleMs` for late packets, stops tcpdump with SIGINT (so it flushes the file) and
   * resolves with what it wrote to stderr, its packet and drop counts included.
   */
  stop(settleMs?: number): Promise<string>;
}

/**
 * Starts `tcpdump ...args` inside namespace `ns` and resolves once it says "listening on", so no
 * packet sent after this returns is missed. Rejects if it exits first or is silent for 10 s.
 */
export async function startTcpdump(ns: string, args: string[]): Promise<Recording> {
  const dump = spawn("ip", ["netns", "exec", ns, "tcpdump", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const closed = new Promise<void>((resolve) => dump.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      dump.kill("SIGKILL");
      reject(new Error(`tcpdump in ${ns} did not start within 10 s: ${stderr}`));
    }, 10_000);
    dump.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (stderr.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    dump.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump in ${ns} exited (${code}) before listening: ${stderr}`));
    });
  });
  return {
    async stop(settleMs = 300) {
      await new Promise((r) => setTimeout(r, settleMs));
      dump.kill("SIGINT");
      await closed;
      return stderr;
    },
  };
}

/** Throws, naming `what`, unless tcpdump's stderr (from {@link Recording.stop}) says no packet was dropped. */
export function checkNoDrops(stderr: string, what: string): void {
  const dropped = /(\d+) packets? dropped by kernel/.exec(stderr)?.[1];
  if (dropped !== "0") throw new Error(`tcpdump lost packets of ${what}: ${stderr}`);
}
