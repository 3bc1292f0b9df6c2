/** Temporary folders that do not outlive the test that made them. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/**
 * A fresh folder under os.tmpdir() named `<prefix>XXXXXX`, removed with everything in it when the
 * current test finishes, passed or failed. Call it inside a test (or a helper a test calls).
 */
export function testDir(prefix: string): string {
  let dir: string | undefined;
  // Registered before the folder is made: outside a test onTestFinished throws, and nothing is left.
  onTestFinished(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  dir = mkdtempSync(join(tmpdir(), prefix));
  return dir;
}
