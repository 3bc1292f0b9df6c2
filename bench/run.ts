/**
 * `npm run bench [-- name...]`: runs the benchmarks under bench/<name>/index.ts (each exports
 * `run()`), printing figures and ratios against the peer each one names, measured in the same run.
 * With no names, runs every benchmark that exists.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, "index.ts")))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; have: ${all.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench/${name} ===`);
  try {
    const mod = (await import(`./${name}/index.ts`)) as { run: () => Promise<void> };
    await mod.run();
  } catch (e) {
    failed++;
    console.error(`bench/${name} failed: ${(e as Error).stack ?? String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
