/**
 * Instructions, not seconds: runs one full pcap analysis of a capture under callgrind, with V8
 * single-threaded (no concurrent compiler or GC helpers), and prints the total instruction count
 * and the functions that ran the most. Two runs of the same build agree to about 0.2 %, where
 * run times on this machine swing by 15 %, so a change of a few percent shows; compare builds
 * on the same capture. Not part of `npm run bench` (it takes about a minute per 600,000 frames).
 *
 *   tsx bench/pcap/instructions.ts <capture> [functions to list, default 25]
 *
 * Needs valgrind (Debian: valgrind). JIT-compiled functions are named through V8's perf map
 * (--perf-basic-prof, /tmp/perf-<pid>.map); "*name" is optimised code, "^name" baseline code.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const capture = process.argv[2];
const top = Number(process.argv[3] ?? 25);
if (!capture || !existsSync(capture)) {
  console.error("usage: tsx bench/pcap/instructions.ts <capture> [functions to list]");
  process.exit(2);
}
if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("bench/pcap/instructions needs valgrind (apt-get install valgrind)");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "nrp-instructions-"));
try {
  const out = join(dir, "callgrind.out");
  const child = join(dir, "child.mjs");
  // The source through tsx's loader, as child.ts runs it.
  writeFileSync(child, `import { analysePcap } from ${JSON.stringify(resolve(import.meta.dirname, "../../src/analyses/pcap/analyse.ts"))};\nawait analysePcap([${JSON.stringify(resolve(capture))}]);\n`);
  const r = spawnSync(
    "valgrind",
    ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${out}`, process.execPath, "--single-threaded", "--perf-basic-prof", `--logfile=${join(dir, "v8.log")}`, "--no-logfile-per-isolate", "--import", "tsx", child],
    { encoding: "utf8", maxBuffer: 64 << 20, cwd: resolve(import.meta.dirname, "../..") },
  );
  if (r.status !== 0) throw new Error(`valgrind failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  const pid = /==(\d+)== Callgrind/.exec(r.stderr)?.[1];
  const mapFile = `/tmp/perf-${pid}.map`;
  const symbols = existsSync(mapFile)
    ? readFileSync(mapFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [start, size, ...name] = l.split(" ");
          return { start: parseInt(start!, 16), end: parseInt(start!, 16) + parseInt(size!, 16), name: name.join(" ") };
        })
        .sort((a, b) => a.start - b.start)
    : [];
  if (existsSync(mapFile)) rmSync(mapFile);
  const nameOf = (addr: number): string => {
    let lo = 0;
    let hi = symbols.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = symbols[mid]!;
      if (addr < s.start) hi = mid - 1;
      else if (addr >= s.end) lo = mid + 1;
      else return s.name.replace(/file:\/\/\S*\/(src|node_modules)\//, "$1/");
    }
    return `0x${addr.toString(16)}`;
  };
  const annotated = spawnSync("callgrind_annotate", ["--threshold=99.9", out], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
  const total = Number(/([\d,]+) \([\s\d.]+%\)\s+PROGRAM TOTALS/.exec(annotated)?.[1]?.replace(/,/g, "") ?? NaN);
  const byName = new Map<string, number>();
  for (const line of annotated.split("\n")) {
    const m = /^\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (!m || m[2]!.includes("PROGRAM TOTALS")) continue;
    const jit = /^\?\?\?:0x([0-9a-f]+) \[\?\?\?\]/.exec(m[2]!);
    const name = jit ? nameOf(parseInt(jit[1]!, 16)) : m[2]!.replace(/ \[.*\]$/, "");
    byName.set(name, (byName.get(name) ?? 0) + Number(m[1]!.replace(/,/g, "")));
  }
  console.log(`${capture}: ${(total / 1e9).toFixed(3)} G instructions in all (start-up and compiling included)`);
  for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(n / 1e6).toFixed(1).padStart(9)} M  ${name}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
