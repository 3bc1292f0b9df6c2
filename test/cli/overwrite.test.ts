/**
 * No output may overwrite an input of its own command. `render reports/weekly.json` names its
 * outputs after the input, in the input's folder by default, so `--format json` wrote an empty
 * bundle over the report description; a scan's `--baseline`, a trace's `--from` and the CSV of
 * each dataset are the same hazard. Refused before anything is written, naming both paths.
 */
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutputs } from "../../src/cli/output.js";
import { runCli } from "../helpers/cli.js";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");
const NMAP_XML = resolve(root, "../shared/data/nmap/python-libnmap/libnmap/test/files/2_hosts.xml");
const TRACE = resolve(root, "test/analyses/trace/fixtures/lab-trace.json");
const tmp = () => testDir("nr-overwrite-");

const report = JSON.stringify({ format: "netreport.report", title: "Weekly", sections: [{ kind: "prose", title: "Intro", markdown: "Hello." }] });

describe("outputs that would overwrite an input", () => {
  it("render refuses to write <name>.json over the report description it reads, and writes nothing", async () => {
    const dir = tmp();
    const input = join(dir, "weekly.json");
    writeFileSync(input, report);
    const r = await runCli("render", input, "--format", "html,json", "--out", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`EUSAGE: the output ${input} would overwrite the input ${input}`);
    expect(r.stderr).toMatch(/--out <dir>.*--name <base>/);
    expect(readFileSync(input, "utf8")).toBe(report);
    expect(readdirSync(dir)).toEqual(["weekly.json"]);
    // Another name is fine.
    expect((await runCli("render", input, "--format", "html,json", "--out", dir, "--name", "weekly-out")).code).toBe(0);
    expect(readFileSync(input, "utf8")).toBe(report);
  });

  it("sees through a symlinked output folder", async () => {
    const dir = tmp();
    const input = join(dir, "weekly.json");
    writeFileSync(input, report);
    const link = join(tmp(), "link");
    symlinkSync(dir, link);
    const r = await runCli("render", input, "--format", "json", "--out", link);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the output ${join(link, "weekly.json")} would overwrite the input ${input}`);
    expect(readFileSync(input, "utf8")).toBe(report);
  });

  it("scan refuses to overwrite its --baseline before scanning anything", async () => {
    const dir = tmp();
    expect((await runCli("scan", "--import", NMAP_XML, "--format", "json", "--out", dir)).code).toBe(0);
    const baseline = join(dir, "scan.json");
    const before = readFileSync(baseline, "utf8");
    const r = await runCli("scan", "--import", NMAP_XML, "--baseline", baseline, "--format", "html,json", "--out", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the output ${baseline} would overwrite the input ${baseline}`);
    expect(r.stderr).not.toMatch(/host\(s\)/);
    expect(readFileSync(baseline, "utf8")).toBe(before);
    expect(existsSync(join(dir, "scan.html"))).toBe(false);
  });

  it("trace refuses to overwrite its --from bundle, and a CSV name before the datasets are known", async () => {
    const dir = tmp();
    const from = join(dir, "trace.json");
    copyFileSync(TRACE, from);
    const r = await runCli("trace", "--from", from, "--format", "json", "--out", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`would overwrite the input ${from}`);
    // Saved under a CSV-like name: any <name>.*.csv could be one dataset's CSV.
    const csvNamed = join(dir, "lab.traceHops.csv");
    copyFileSync(TRACE, csvNamed);
    const c = await runCli("trace", "--from", csvNamed, "--format", "csv", "--name", "lab", "--out", dir);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`would overwrite the input ${csvNamed}`);
    expect(readdirSync(dir).sort()).toEqual(["lab.traceHops.csv", "trace.json"]);
    expect(readFileSync(from, "utf8")).toBe(readFileSync(TRACE, "utf8"));
  });

  it("checkOutputs compares each dataset's CSV path once the datasets are known", async () => {
    const dir = tmp();
    const input = join(dir, "r.portScan.csv");
    writeFileSync(input, "x\r\n");
    const opts = { formats: ["csv" as const], outDir: dir, name: "r", paper: "A4" as const, inputs: [input] };
    await expect(checkOutputs(opts)).rejects.toThrow(/would overwrite the input/);
    await expect(checkOutputs(opts, [{ kind: "scanHosts" } as never])).resolves.toBeUndefined();
    await expect(checkOutputs(opts, [{ kind: "portScan" } as never])).rejects.toThrow(/would overwrite the input/);
  });
});
