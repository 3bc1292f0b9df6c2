/**
 * Failures between opening a capture and reading its first bytes: the file handle is closed and
 * the error is EINPUT naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { analysePcap } from "../../../../src/analyses/pcap/analyse.js";
import { isNetreportError } from "../../../../src/errors.js";

const openFds = () => readdirSync("/proc/self/fd").length;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-open-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readCapture on something that opens but cannot be read", () => {
  it("a directory is EINPUT naming it, and 50 attempts leave no descriptor open", async () => {
    const before = openFds();
    const errors: unknown[] = [];
    for (let i = 0; i < 50; i++) errors.push(await readCapture(dir, () => undefined).catch((x: unknown) => x));
    expect(openFds()).toBe(before);
    for (const e of errors) {
      expect(isNetreportError(e, "EINPUT")).toBe(true);
      expect((e as Error).message).toMatch(/is a directory/);
      expect((e as { where: string }).where).toBe(dir);
    }
    const r = await analysePcap([dir]);
    expect(r.errors.map((e) => e.code)).toEqual(["EINPUT"]);
    expect(r.warnings.join("\n")).toContain(`EINPUT: cannot read capture: it is a directory, not a capture file (${dir})`);
  });

  it.skipIf(!existsSync("/proc/self/mem"))("a read error (EIO at byte 0 of /proc/self/mem) is EINPUT with the cause, and the handle is closed", async () => {
    const before = openFds();
    const errors: unknown[] = [];
    for (let i = 0; i < 20; i++) errors.push(await readCapture("/proc/self/mem", () => undefined).catch((x: unknown) => x));
    expect(openFds()).toBe(before);
    for (const e of errors) {
      expect(isNetreportError(e, "EINPUT")).toBe(true);
      expect((e as Error).message).toMatch(/cannot read capture: .*EIO/);
      expect((e as { where: string }).where).toBe("/proc/self/mem");
      expect((e as Error).cause).toBeInstanceOf(Error);
    }
  });
});
