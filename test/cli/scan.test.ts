/**
 * `netreport scan`'s checks that come before anything runs, driven through the command object
 * with processes and DNS replaced by stand-ins that record the attempt and fail: these tests can
 * start no nmap and look up no name, even when a check they test is missing.
 */
import { Writable } from "node:stream";
import { beforeEach, describe, expect, it, vi } from "vitest";

const touched: string[] = [];
vi.mock("node:child_process", async (original) => ({
  ...(await original<typeof import("node:child_process")>()),
  spawn: (file: string) => {
    touched.push(`spawn ${file}`);
    throw new Error("no process may start in this test");
  },
}));
vi.mock("node:dns/promises", async (original) => ({
  ...(await original<typeof import("node:dns/promises")>()),
  lookup: async (name: string) => {
    touched.push(`lookup ${name}`);
    throw new Error("no DNS lookup in this test");
  },
}));

const { scanCommand } = await import("../../src/cli/commands/scan.js");

/** Command io whose output goes nowhere. */
function io() {
  const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });
  return { stdout: sink(), stderr: sink(), interactive: false, signal: new AbortController().signal };
}

/** The error `scan` ends with (fails the test if it succeeds). */
async function scanError(targets: string[], options: Record<string, unknown>): Promise<{ code?: string; message: string; hint?: string }> {
  return scanCommand.run([targets], { ports: "22", format: "json", ...options }, io()).then(
    () => {
      throw new Error("expected the scan to fail");
    },
    (e: unknown) => e as { code?: string; message: string; hint?: string },
  );
}

beforeEach(() => {
  touched.length = 0;
});

describe("scan --max-hosts", () => {
  it("counts host names by their prefix for nmap too, before nmap starts or the name is looked up", async () => {
    const e = await scanError(["example.com/8"], { nmap: "-sV" });
    expect(e.code).toBe("ESCAN_SPEC");
    expect(e.message).toMatch(/the targets stand for 16777216 addresses, more than the limit of 65536 \(largest: "example\.com\/8"/);
    expect(e.hint).toMatch(/--max-hosts 16777216/);
    expect(touched).toEqual([]);
    // Names add up with addresses: 32,768 + 32,768 + 1 is one over the limit.
    const sum = await scanError(["a.example/17", "198.18.0.0/17", "b.example"], { nmap: "" });
    expect(sum.message).toMatch(/stand for 65537 addresses/);
    expect(touched).toEqual([]);
  });

  it("holds for the connect scan alike, and --max-hosts raises it", async () => {
    expect((await scanError(["example.com/8"], {})).code).toBe("ESCAN_SPEC");
    expect(touched).toEqual([]);
    // Past the check, the stand-in nmap is what fails.
    const e = await scanError(["example.com/8"], { nmap: "-sV", maxHosts: "16777216" });
    expect(e.message).toMatch(/no process may start in this test/);
    expect(touched).toEqual(["spawn nmap"]);
  });
});
