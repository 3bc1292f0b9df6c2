/** Finding Chromium: a clear error, naming where it looked and what to do, when it is missing. */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { isNetreportError } from "../../src/errors.js";
import { findChromium, openPrinter } from "../../src/report/browser.js";

const saved = process.env.NETREPORT_CHROMIUM;
afterEach(() => {
  if (saved === undefined) delete process.env.NETREPORT_CHROMIUM;
  else process.env.NETREPORT_CHROMIUM = saved;
});

describe("findChromium", () => {
  it("fails with ECHROMIUM_MISSING naming the path tried and how to install it", async () => {
    process.env.NETREPORT_CHROMIUM = "/nonexistent/chromium";
    const e = await findChromium().catch((x: unknown) => x);
    expect(isNetreportError(e, "ECHROMIUM_MISSING")).toBe(true);
    expect((e as { toLine(): string }).toLine()).toBe(
      "ECHROMIUM_MISSING: no Chromium executable found for PDF/PNG output (/nonexistent/chromium) — install it (Debian: apt-get install chromium) or set NETREPORT_CHROMIUM to its path; HTML output works without it",
    );
    await expect(openPrinter()).rejects.toMatchObject({ code: "ECHROMIUM_MISSING" });
  });

  it.skipIf(!existsSync("/usr/bin/chromium"))("finds Debian's chromium by default", async () => {
    delete process.env.NETREPORT_CHROMIUM;
    if (process.env.PUPPETEER_EXECUTABLE_PATH) return;
    expect(await findChromium()).toBe("/usr/bin/chromium");
  });
});
