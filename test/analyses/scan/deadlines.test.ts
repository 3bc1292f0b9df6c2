import { describe, expect, it } from "vitest";
import { after, cancel, pendingDeadlines, SWEEP_MS } from "../../../src/analyses/scan/probe/deadlines.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("probe deadlines", () => {
  it("fires once after its time, within a sweep; a cancelled one never fires", async () => {
    const fired: string[] = [];
    const t0 = performance.now();
    let at = 0;
    after(30, () => {
      fired.push("a");
      at = performance.now() - t0;
    });
    const b = after(30, () => fired.push("b"));
    cancel(b);
    expect(pendingDeadlines()).toBe(1);
    await sleep(30 + 4 * SWEEP_MS + 20);
    expect(fired).toEqual(["a"]);
    expect(at).toBeGreaterThanOrEqual(29);
    expect(pendingDeadlines()).toBe(0);
    cancel(b); // cancelling twice is harmless
  });
});
