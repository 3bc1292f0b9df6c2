/**
 * `netreport scan <targets> -p <ports>`: port scan and exposure report. Parses arguments, wires
 * one of three sources — the built-in connect scan, nmap (`--nmap "<args>"`) or nmap XML files
 * (`--import`) — to the policy, the diff against a baseline, the report composer and the outputs.
 *
 *   targets (args, --targets-file, --exclude) ─ check specs and size ─┬─ connect scan ─┐
 *                                                                     ├─ nmap          ├─ policy ─ diff ─ report ─ outputs
 *   --import files ───────────────────────────────────────────────────┴─ XML import ───┘
 *
 * Ctrl-C (io.signal) stops the scan; the partial result is still written, then the command
 * ends with EINTERRUPTED (exit code 130).
 */
import { etaText, progressBar } from "../progress.js";
import { NetreportError } from "../../errors.js";
import { checkOutputs, outputOptions, writeOutputs } from "../output.js";
import type { CommandIo, CommandSpec } from "../command.js";
import type { ScanResult } from "../../analyses/scan/types.js";
import type { ScanSnapshot, ServicesTable, TargetSpec } from "../../analyses/scan/index.js";

type ScanModule = typeof import("../../analyses/scan/index.js");

function count(value: unknown, flag: string, { min = 1, integer = true } = {}): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new NetreportError("EUSAGE", `${flag} needs ${integer ? "a whole number" : "a number"} of at least ${min}, got "${String(value)}"`, { where: flag });
  }
  return n;
}

async function readText(path: string, what: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new NetreportError("EINPUT", `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { where: path, cause: e });
  }
}

/** What the built-in connect scan is given: the checked specs and ports, and the raw options for its tuning flags. */
interface ConnectJob {
  specs: TargetSpec[];
  exclude: TargetSpec[];
  ports: number[];
  services: ServicesTable;
  /** The targets as the user wrote them, for the dataset's provenance. */
  targetsText: string[];
  maxHosts: number;
  options: Record<string, unknown>;
  /** Warnings already written (the plan's, before the scan), not to write again after it. */
  shown: Set<string>;
}

async function connectSource(scan: ScanModule, job: ConnectJob, io: CommandIo): Promise<ScanResult> {
  const { specs, exclude, ports, services, targetsText, maxHosts, options, shown } = job;
  const { lookup } = await import("node:dns/promises");
  const plan = await scan.planTargets(specs, {
    exclude,
    maxHosts,
    resolve: async (name) => (await lookup(name, { all: true, verbatim: true })).map((a) => a.address),
  });
  // Before the scan, which can take hours; the result repeats them.
  for (const w of plan.warnings) {
    io.stderr.write(`warning: ${w}\n`);
    shown.add(w);
  }
  const bar = await progressBar(io, "scan {bar} {percentage}% | hosts {hostsDone}/{hostsTotal} | probes {value}/{total} | open {open} | ETA {left}");
  const total = Math.max(1, plan.size * ports.length);
  const started = performance.now();
  bar?.start(total, { hostsDone: 0, hostsTotal: plan.size, open: 0, left: "…" });
  try {
    return await scan.connectScan(plan, {
      ports,
      services,
      signal: io.signal,
      ...(options.rate !== undefined ? { rate: count(options.rate, "--rate", { integer: false }) } : {}),
      ...(options.timeout !== undefined ? { timeoutMs: count(options.timeout, "--timeout") } : {}),
      ...(options.retries !== undefined ? { retries: count(options.retries, "--retries", { min: 0 }) } : {}),
      ...(options.concurrency !== undefined ? { concurrency: count(options.concurrency, "--concurrency") } : {}),
      bannerMs: options.banners ? count(options.bannerWait ?? 500, "--banner-wait") : 0,
      parameters: { targets: targetsText, exclude: scan.describeSpecs(exclude) },
      onProgress: (p) =>
        bar?.update(p.probesDone, {
          hostsDone: p.hostsDone,
          hostsTotal: p.hostsTotal,
          open: p.openFound,
          left: p.probesDone ? etaText(((performance.now() - started) / p.probesDone) * Math.max(0, total - p.probesDone)) : "…",
        }),
    });
  } finally {
    bar?.stop();
  }
}

async function nmapSource(scan: ScanModule, extra: string, targets: string[], exclude: string[], ports: number[], io: CommandIo): Promise<ScanResult> {
  const bar = await progressBar(io, "nmap {bar} {percentage}% | {task} | ETA {left}");
  bar?.start(100, { task: "starting", left: "…" });
  try {
    return await scan.runNmap({
      extra,
      targets,
      exclude,
      ports: scan.formatPorts(ports),
      signal: io.signal,
      onProgress: (p) => bar?.update(Math.floor(p.percent), { task: p.task, left: p.remainingS === null ? "…" : etaText(p.remainingS * 1000) }),
    });
  } finally {
    bar?.stop();
  }
}

/** The `scan` command. */
export const scanCommand: CommandSpec = {
  name: "scan",
  summary: "port scan and exposure report: open ports, policy findings, changes since a baseline",
  description: [
    "Scan the named targets with a TCP connect scan (or nmap with --nmap, or import nmap XML with",
    "--import), check open ports against an exposure policy, and compare with an earlier scan.",
    "Only the targets you name are probed; nothing defaults to a network range.",
    "",
    "Targets as nmap takes them: 198.18.32.7, 198.18.32-33.1-20, 198.18.32.0/24, host names,",
    "IPv6 literals and CIDR. Ports: 22-100,443,8000-8080, - for all, top100, service names.",
    "",
    "Policy file (YAML):",
    "  risky:",
    "    - { ports: 21,23, severity: high, title: Cleartext login }",
    "    - { ports: 3306,3389, severity: medium }",
    "  allow:",
    "    - { hosts: [198.18.32.0/28, bastion.example], ports: 22, why: bastions }",
    "  unexpected: { severity: low }      # any other open port",
    "",
    "Examples:",
    "  netreport scan 198.18.32.0/24 -p top1000 --policy exposure.yaml --format html,json,xlsx",
    "  netreport scan --targets-file hosts.txt -p 22,80,443,3306,3389 --baseline reports/scan.json",
    '  netreport scan 198.18.32.11 -p 22,80 --nmap "-sV" --format html,csv',
    "  netreport scan --import nightly.xml --policy exposure.yaml --fail-on high   # exit 1 on high findings",
  ].join("\n"),
  args: [{ name: "targets", description: "hosts, addresses, ranges or networks to scan", variadic: true, required: false }],
  options: [
    { flags: "-p, --ports <spec>", description: "ports: 22-100,443, - for all, topN", default: "top1000" },
    { flags: "--exclude <targets>", description: "targets to skip (comma or space separated)" },
    { flags: "--targets-file <file>", description: "read targets from a file (white space separated, # comments)" },
    { flags: "--max-hosts <n>", description: "allow more target addresses than 65,536" },
    { flags: "--nmap <args>", description: 'run nmap with these extra arguments instead of the built-in scan (e.g. "-sV")' },
    { flags: "--import <files...>", description: "read nmap -oX files instead of scanning" },
    { flags: "--policy <file>", description: "exposure policy (YAML): risky ports, allowances" },
    { flags: "--baseline <file>", description: "an earlier scan's JSON (--format json) to report changes against" },
    { flags: "--rate <n>", description: "probes per second at most (connect scan)" },
    { flags: "--timeout <ms>", description: "longest probe timeout in ms (connect scan; default 1000)" },
    { flags: "--retries <n>", description: "extra passes over filtered ports (connect scan; default 1)" },
    { flags: "--concurrency <n>", description: "probes in flight at most (connect scan; default 512, bounded by ulimit -n)" },
    { flags: "--banners", description: "read the first bytes open ports send (connect scan)", default: false },
    { flags: "--banner-wait <ms>", description: "how long to wait for a banner (default 500)" },
    { flags: "--fail-on <severity>", description: "end with EFINDINGS (exit code 1) when a finding is this severe or worse, after writing the report", choices: ["info", "low", "medium", "high", "critical"] },
    { flags: "--title <text>", description: "report title" },
  ],
  outputs: { defaultFormats: ["html"] },
  async run(args, options, io) {
    const targetArgs = ((args[0] as string[] | undefined) ?? []).filter(Boolean);
    const imports = ((options.import as string[] | undefined) ?? []).filter(Boolean);
    const targetsFile = options.targetsFile as string | undefined;
    const nmapExtra = options.nmap as string | undefined;
    if (imports.length && (targetArgs.length || targetsFile || nmapExtra !== undefined)) {
      throw new NetreportError("EUSAGE", "--import reads a finished scan: give no targets, --targets-file or --nmap with it", { where: "--import" });
    }
    if (!imports.length && !targetArgs.length && !targetsFile) {
      throw new NetreportError("EUSAGE", "name the targets to scan (or --targets-file, or --import nmap XML); netreport never picks a range by itself", { where: "scan" });
    }
    if (options.failOn !== undefined && !options.policy) throw new NetreportError("EUSAGE", "--fail-on needs a --policy to judge findings by", { where: "--fail-on" });
    const inputs = [...imports, targetsFile, options.policy, options.baseline].filter((f): f is string => typeof f === "string");
    const out = { ...outputOptions(options, "scan"), inputs };
    // Before a single probe: a scan can take hours, and its outputs must not replace its baseline.
    await checkOutputs(out);
    const [scan, compose] = await Promise.all([import("../../analyses/scan/index.js"), import("../../report/compose/scan.js")]);
    const services = scan.loadServices();
    // 1. Check everything the user gave before a single probe: ports, targets, policy, baseline.
    const ports = scan.parsePorts(String(options.ports ?? "top1000"), services);
    const specs = [...(targetArgs.length ? scan.parseTargets(targetArgs) : [])];
    const targetTokens = [...targetArgs];
    if (targetsFile) {
      const text = await readText(targetsFile, "targets file");
      specs.push(...scan.parseTargetsFile(text, targetsFile));
      targetTokens.push(...scan.targetTokens(text).map((t) => t.token));
    }
    const excludeText = options.exclude ? String(options.exclude).split(/[\s,]+/).filter(Boolean) : [];
    const exclude = excludeText.length ? scan.parseTargets(excludeText) : [];
    const policy = options.policy ? scan.parsePolicy(await readText(String(options.policy), "policy"), String(options.policy), services) : null;
    let baseline: { path: string; snapshot: ScanSnapshot } | null = null;
    if (options.baseline) {
      const path = String(options.baseline);
      const { parseBundle } = await import("../../dataset/json.js");
      baseline = { path, snapshot: scan.snapshotOf(parseBundle(await readText(path, "baseline"), path).datasets, path) };
    }
    // 2. The scan, from one of three sources.
    const maxHosts = options.maxHosts !== undefined ? count(options.maxHosts, "--max-hosts") : scan.DEFAULT_MAX_HOSTS;
    const shown = new Set<string>();
    let result: ScanResult;
    if (imports.length) {
      result = await scan.importNmapXml(imports);
    } else if (nmapExtra !== undefined) {
      // The size limit holds for nmap too, checked here before nmap sees the specs; a host name
      // counts as its prefix (example.com/8: 16,777,216 addresses), so nothing is looked up.
      scan.checkTargetCount(specs, maxHosts);
      // nmap gets each checked spec as one word: a comma list netreport split would be one bad word to it.
      result = await nmapSource(scan, nmapExtra, specs.map(scan.describeSpec), exclude.map(scan.describeSpec), ports, io);
    } else {
      result = await connectSource(scan, { specs, exclude, ports, services, targetsText: targetTokens, maxHosts, options, shown }, io);
    }
    for (const w of result.warnings) if (!shown.has(w)) io.stderr.write(`warning: ${w}\n`);
    // 3. Policy and changes.
    const ds = scan.scanToDatasets(result);
    const snapshot = scan.snapshotOf([ds.hosts, ds.ports], "this scan");
    const findings = policy ? scan.applyPolicy(policy, snapshot, services) : null;
    const changes = baseline ? scan.changesDataset(scan.diffScans(baseline.snapshot, snapshot), baseline.path, baseline.snapshot, snapshot) : null;
    // 4. Report and outputs (also after Ctrl-C: the partial result is worth keeping).
    const scope = imports.length ? imports.join(", ") : `${targetTokens.join(" ")}${excludeText.length ? ` except ${excludeText.join(",")}` : ""}; ports ${String(options.ports ?? "top1000")}`;
    const report = compose.composeScanReport(result, {
      ...(options.title ? { title: String(options.title) } : {}),
      scope,
      findings,
      changes,
      ...(policy ? { policySource: policy.source } : {}),
      ...(out.lang ? { lang: out.lang } : {}),
    });
    await writeOutputs(report, out, io);
    const open = ds.ports.rows.filter((r) => r.state === "open").length;
    io.stderr.write(
      `${ds.hosts.rows.length} host(s), ${open} open port(s)` +
        (findings ? `, ${findings.length} finding(s)` : "") +
        (changes ? `, ${changes.rows.length} change(s) since ${baseline!.path}` : "") +
        (result.partial ? " — partial result" : "") +
        "\n",
    );
    if (io.signal.aborted) {
      throw new NetreportError("EINTERRUPTED", "scan interrupted; the partial result was written", { where: out.outDir });
    }
    if (findings && options.failOn !== undefined) {
      const { SEVERITY_ORDER } = await import("../../dataset/finding.js");
      const limit = SEVERITY_ORDER.indexOf(options.failOn as (typeof SEVERITY_ORDER)[number]);
      const severe = findings.filter((f) => SEVERITY_ORDER.indexOf(f.severity) <= limit);
      if (severe.length) {
        throw new NetreportError("EFINDINGS", `${severe.length} finding(s) of severity ${String(options.failOn)} or worse, first: ${severe[0]!.title}`, {
          where: policy!.source,
          hint: "the report was written; fix the exposure or add an allowance to the policy",
        });
      }
    }
  },
};
