/**
 * Saved bundles with badly typed contents end in one EDATASET_SCHEMA line naming file, dataset
 * kind, row and column, exit code 1 — not a bare TypeError from deep inside a report
 * (`r.rtts.split is not a function`, `params?.ports?.join is not a function`, …). Each case is a
 * real file a script or a hand edit could leave: the lab trace, a scan written by this netreport,
 * a report description, with one value changed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { testDir } from "../helpers/tmp.js";

const root = resolve(import.meta.dirname, "../..");
const NMAP_XML = resolve(root, "../shared/data/nmap/python-libnmap/libnmap/test/files/2_hosts.xml");
const TRACE = resolve(root, "test/analyses/trace/fixtures/lab-trace.json");
const tmp = () => testDir("nr-bad-bundle-");

type Json = Record<string, any>;
const lab = (): Json => JSON.parse(readFileSync(TRACE, "utf8"));

/** Runs the command on `file` and returns its last stderr line, after checking it failed cleanly. */
async function refused(argv: string[], out: string): Promise<string> {
  const r = await runCli(...argv, "--out", out);
  const last = r.stderr.trim().split("\n").at(-1)!;
  expect(last).not.toMatch(/TypeError|is not a function|Cannot read properties/);
  expect(last).toMatch(/^netreport: EDATASET_SCHEMA: /);
  expect(r.code).toBe(1);
  expect(existsSync(out)).toBe(false);
  return last;
}

describe("trace --from a badly typed bundle", () => {
  const from = async (edit: (d: Json) => void, bundle = false): Promise<{ last: string; file: string }> => {
    const dir = tmp();
    const d = lab();
    edit(d);
    const file = join(dir, "trace.json");
    writeFileSync(file, JSON.stringify(bundle ? { format: "netreport.bundle", formatVersion: 1, createdAt: "", datasets: [{ ...d, kind: "other" }, d], findings: [] } : d));
    return { last: await refused(["trace", "--from", file, "--format", "html,json,csv"], join(dir, "out")), file };
  };

  it("names file, kind, row and column of an RTT list that is a number", async () => {
    const { last, file } = await from((d) => (d.rows[3].rtts = 5));
    expect(last).toContain("traceHops row 3, column rtts: ");
    expect(last).toContain(`(${file} rows[3].rtts)`);
  });

  it("names the dataset's index in a bundle, and a row that is null", async () => {
    const { last, file } = await from((d) => (d.rows[2] = null), true);
    expect(last).toContain("traceHops row 2 is not an object, found null");
    expect(last).toContain(`(${file} datasets[1] rows[2])`);
  });

  it("refuses a protocol that is a number, in a row or in the parameters", async () => {
    expect((await from((d) => (d.rows[0].protocol = 6))).last).toContain("traceHops row 0, column protocol: ");
    const { last, file } = await from((d) => (d.provenance.parameters.protocol = 6));
    expect(last).toContain("provenance.parameters.protocol of traceHops: ");
    expect(last).toContain(`(${file} provenance.parameters.protocol)`);
  });

  it("refuses parameters.ports that is not a list of numbers", async () => {
    const { last } = await from((d) => (d.provenance.parameters.ports = "80"));
    expect(last).toMatch(/provenance\.parameters\.ports of traceHops: .*expected array/);
  });
});

describe("scan --baseline a badly typed bundle", () => {
  it("refuses warnings that are not text, and a port that is a string, before scanning", async () => {
    const dir = tmp();
    expect((await runCli("scan", "--import", NMAP_XML, "--format", "json", "--out", dir, "--name", "base")).code).toBe(0);
    const saved: Json = JSON.parse(readFileSync(join(dir, "base.json"), "utf8"));
    const baseline = join(dir, "baseline.json");
    const write = (edit: (b: Json) => void) => {
      const b = structuredClone(saved);
      edit(b);
      writeFileSync(baseline, JSON.stringify(b));
    };
    write((b) => (b.datasets[0].warnings = [1]));
    const w = await refused(["scan", "--import", NMAP_XML, "--baseline", baseline, "--format", "json"], join(dir, "out1"));
    expect(w).toContain("warning 0 of scanHosts is not text, found 1");
    expect(w).toContain(`(${baseline} datasets[0] warnings[0])`);
    write((b) => (b.datasets[1].rows[0].port = "22"));
    const p = await refused(["scan", "--import", NMAP_XML, "--baseline", baseline, "--format", "json"], join(dir, "out2"));
    expect(p).toContain('portScan row 0, column port: expected a number or null, found "22"');
  });
});

describe("render with an object in a cell", () => {
  it("refuses it before writing XLSX", async () => {
    const dir = tmp();
    const ds = lab();
    ds.rows[1].city = { name: "Frankfurt" };
    const file = join(dir, "r.json");
    writeFileSync(file, JSON.stringify({ format: "netreport.report", title: "T", sections: [{ kind: "prose", title: "x", markdown: "x" }], datasets: [ds] }));
    const last = await refused(["render", file, "--format", "xlsx"], join(dir, "out"));
    expect(last).toContain('traceHops row 1, column city: a cell must be text, a number, true/false or null, found {"name":"Frankfurt"}');
    expect(last).toContain(`(${file} .datasets[0] rows[1].city)`);
  });
});
