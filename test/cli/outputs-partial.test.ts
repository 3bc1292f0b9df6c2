/**
 * One failed format does not cost the others: data formats are written first (json, csv, xlsx),
 * then html, then pdf and png, each on its own, and every failure is reported at the end naming
 * its format and file. Chromium is made missing through NETREPORT_CHROMIUM, as a user without it.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");
const NMAP_XML = resolve(root, "../shared/data/nmap/python-libnmap/libnmap/test/files/2_hosts.xml");
const tmp = () => testDir("nr-partial-");

let chromium: string | undefined;
beforeEach(() => {
  chromium = process.env.NETREPORT_CHROMIUM;
  process.env.NETREPORT_CHROMIUM = "/nonexistent/chromium";
});
afterEach(() => {
  if (chromium === undefined) delete process.env.NETREPORT_CHROMIUM;
  else process.env.NETREPORT_CHROMIUM = chromium;
});

describe("writing several formats when one fails", () => {
  it("writes the JSON and CSV of a scan when the PDF typed first cannot be made, then exits 1 naming the PDF", async () => {
    const dir = tmp();
    const r = await runCli("scan", "--import", NMAP_XML, "--format", "pdf,json,csv", "--out", dir);
    expect(r.code).toBe(1);
    const bundle = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    expect(bundle.datasets.map((d: { kind: string }) => d.kind)).toEqual(["scanHosts", "portScan"]);
    expect(readFileSync(join(dir, "scan.portScan.csv"), "utf8")).toContain("Port");
    expect(existsSync(join(dir, "scan.scanHosts.csv"))).toBe(true);
    expect(existsSync(join(dir, "scan.pdf"))).toBe(false);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^netreport: ECHROMIUM_MISSING: no Chromium executable found for PDF\/PNG output \(not written: pdf .*scan\.pdf; \/nonexistent\/chromium\) — install it/);
    // The data came first, whatever the order typed.
    const wrote = r.stderr.split("\n").filter((l) => l.startsWith("wrote ")).map((l) => l.replace(/^wrote .*\//, ""));
    expect(wrote).toEqual(["scan.json", "scan.scanHosts.csv", "scan.portScan.csv"]);
  });

  it("reports every failure at the end, each with its format and path, after writing all it can", async () => {
    const dir = tmp();
    // A folder where the workbook should go: that write fails with EISDIR.
    mkdirSync(join(dir, "r.xlsx"));
    const r = await runCli("scan", "--import", NMAP_XML, "--format", "png,pdf,xlsx,html,json", "--out", dir, "--name", "r");
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "r.html"), "utf8")).toContain("<html");
    expect(existsSync(join(dir, "r.json"))).toBe(true);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^netreport: EOUTPUT: 3 outputs not written: /);
    expect(last).toContain(`xlsx ${join(dir, "r.xlsx")}: EOUTPUT: cannot write: EISDIR`);
    // pdf and png failed alike: told once, together.
    expect(last).toContain(`pdf ${join(dir, "r.pdf")}, png ${join(dir, "r.png")} (/nonexistent/chromium): ECHROMIUM_MISSING: no Chromium executable found`);
    expect(last).toContain("apt-get install chromium");
  });
});
