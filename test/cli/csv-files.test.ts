/**
 * The CSV file of each dataset is named after its kind: a kind from a file that reads as a path
 * is refused before anything is written, and datasets of one kind get one file each.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { testDir } from "../helpers/tmp.js";

const tmp = () => testDir("nr-csv-files-");

const dataset = (kind: string, service: string) => ({
  format: "netreport.dataset",
  formatVersion: 1,
  kind,
  schemaVersion: 1,
  title: `Ports ${service}`,
  columns: [
    { key: "port", label: "Port", type: "port" },
    { key: "service", label: "Service", type: "text" },
  ],
  rows: [{ port: 22, service }],
  provenance: { analysis: "test", parameters: {}, host: "h", startedAt: "2026-11-23T00:00:00Z", finishedAt: "2026-11-23T00:00:01Z", tool: "netreport@0" },
  warnings: [],
});
const describing = (...datasets: object[]) => JSON.stringify({ format: "netreport.report", title: "CSV", sections: [{ kind: "prose", title: "Intro", markdown: "x" }], datasets });

describe("CSV file names", () => {
  it("refuses a dataset kind that would lead out of --out, writing nothing", async () => {
    const base = tmp();
    const out = join(base, "a", "b", "out");
    mkdirSync(out, { recursive: true });
    const input = join(base, "r.json");
    writeFileSync(input, describing(dataset("ports", "ssh"), dataset("/../../escaped", "evil")));
    const r = await runCli("render", input, "--format", "csv,json", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`EDATASET_SCHEMA: kind "/../../escaped" is not a name`);
    expect(r.stderr).toContain(`(${input} .datasets[1])`);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(join(base, "a", "b"))).toEqual(["out"]);
    expect(readdirSync(join(base, "a"))).toEqual(["b"]);
    expect(readdirSync(base).sort()).toEqual(["a", "r.json"]);
  });

  it("gives datasets of one kind a file each: kind, kind-2, …", async () => {
    const dir = tmp();
    const input = join(dir, "r.json");
    writeFileSync(input, describing(dataset("ports", "ssh"), dataset("ports", "http"), dataset("Ports", "smtp")));
    const r = await runCli("render", input, "--format", "csv", "--out", join(dir, "out"));
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["r.Ports-3.csv", "r.ports-2.csv", "r.ports.csv"]);
    expect(readFileSync(join(dir, "out", "r.ports.csv"), "utf8")).toContain("22,ssh");
    expect(readFileSync(join(dir, "out", "r.ports-2.csv"), "utf8")).toContain("22,http");
    expect(readFileSync(join(dir, "out", "r.Ports-3.csv"), "utf8")).toContain("22,smtp");
  });
});
