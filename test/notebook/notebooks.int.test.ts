/**
 * Every notebook in notebooks/ executes headless with the tslab kernel, and no cell errors.
 * The notebooks import the built public API (dist/), which `npm test`'s set-up builds first.
 */
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { testDir } from "../helpers/tmp.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const notebooks = readdirSync(join(root, "notebooks")).filter((f) => f.endsWith(".ipynb") && !f.includes(".nbconvert")).sort();
const nbconvert = "/usr/bin/jupyter-nbconvert";
const kernel = ["/usr/local/share/jupyter/kernels/tslab/kernel.json", join(process.env.HOME ?? "/root", ".local/share/jupyter/kernels/tslab/kernel.json")].some(existsSync);
const ready = existsSync(nbconvert) && kernel && existsSync(join(root, "dist/index.js"));
if (!ready) console.warn("SKIPPED notebook tests: needs jupyter-nbconvert, the tslab kernel and dist/ (run .ci/setup)");

interface Output { output_type: string; ename?: string; evalue?: string; name?: string; text?: string[]; data?: Record<string, unknown> }
interface Cell { cell_type: string; outputs?: Output[]; source: string[] | string }

/** Strings each notebook's outputs must contain. */
const EXPECTED: Record<string, string[]> = {
  "00-getting-started.ipynb": ["image/svg+xml", "按主机流量" /* CJK chart title in the SVG */, "198.18.0.10", "7.0 MiB", "Host network report"],
  "pcap-forensics.ipynb": ["image/svg+xml", "db54a845.top", "Malta", "9.ibrokethe.net"],
  "port-scan.ipynb": ["image/svg+xml", "scanme.nmap.org", "hello from the notebook", "port-scan-notebook.xlsx"],
  "traceroute.ipynb": ["image/svg+xml", "198.18.67.2", "AS64601", "SA open"],
};

describe.skipIf(!ready)("notebooks", () => {
  it("has notebooks to run", () => {
    expect(notebooks).toContain("00-getting-started.ipynb");
  });

  for (const name of notebooks) {
    it(`${name} executes without a cell error`, async () => {
      const out = testDir("nr-nb-");
      const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}` };
      const result = await run(
        nbconvert,
        ["--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=tslab", "--output-dir", out, join(root, "notebooks", name)],
        { env, cwd: join(root, "notebooks"), maxBuffer: 64 << 20 },
      ).catch((e: { stderr?: string; message: string }) => {
        throw new Error(`${name} failed to execute:\n${(e.stderr ?? e.message).split("\n").slice(-30).join("\n")}`);
      });
      expect(result).toBeDefined();
      const executed = JSON.parse(readFileSync(join(out, name), "utf8")) as { cells: Cell[] };
      const code = executed.cells.filter((c) => c.cell_type === "code");
      const errors = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error" || (o.name === "stderr" && /Error/.test((o.text ?? []).join("")))));
      expect(errors.map((e) => `${e.ename ?? ""}: ${e.evalue ?? (e.text ?? []).join("")}`)).toEqual([]);
      // every code cell ran and at least one showed rich output (table, SVG, HTML)
      expect(code.every((c) => c.outputs !== undefined)).toBe(true);
      const rich = code.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "display_data" || o.output_type === "execute_result");
      expect(rich.length).toBeGreaterThan(0);
      // What each notebook is for is on screen, not merely "no error".
      const shown = JSON.stringify(code.flatMap((c) => c.outputs ?? []));
      for (const want of EXPECTED[name] ?? []) expect(shown, `${name} shows ${want}`).toContain(want);
      // A picture or table is shown once, not again as its markup printed under it.
      const echoed = code.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "stream" && /^\s*(<div class="netreport-cell"|<svg|<!doctype)/i.test((o.text ?? []).join("")));
      expect(echoed.length, `${name}: cells print their HTML/SVG as text`).toBe(0);
    }, 360_000);
  }
});
