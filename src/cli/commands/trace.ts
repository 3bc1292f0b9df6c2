/**
 * `netreport trace <targets...> -p 80,443`: TCP SYN traceroute to several targets at once, route
 * graph with AS clusters, hop tables. Parses arguments, opens the GeoIP/ASN enricher, runs the
 * trace (or reads a saved one with --from), composes and writes the report.
 */
import { openCliGeo } from "../geoip.js";
import { NetreportError } from "../../errors.js";
import { checkOutputs, outputOptions, writeOutputs } from "../output.js";
import type { CommandSpec } from "../command.js";

function integer(value: unknown, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new NetreportError("EUSAGE", `${flag} needs a whole number ${min}-${max}, got "${String(value)}"`, { where: flag });
  return n;
}

/** Parses `-p 80,443` into ports; EUSAGE on anything else. */
export function parsePortList(spec: string): number[] {
  const ports = spec.split(",").map((s) => s.trim()).filter(Boolean).map((s) => integer(s, "--ports", 1, 65535));
  if (!ports.length) throw new NetreportError("EUSAGE", "--ports is empty", { where: "--ports" });
  return [...new Set(ports)];
}

/** The `trace` command. */
export const traceCommand: CommandSpec = {
  name: "trace",
  summary: "TCP traceroute to several targets at once: hops, AS path, route graph",
  description: [
    "Send TCP SYN probes (or UDP, ICMP) for every TTL to every target at once, match the replies,",
    "and report the hops with RTTs, AS numbers and places, the AS path, and a route graph with one",
    "box per AS and the ports' states (SA open, RA closed). Raw probes need root or CAP_NET_RAW;",
    "--system runs the system `traceroute -T` instead. Targets are IPv4 or IPv6 addresses (no name",
    "lookups); IPv6 probes use the hop limit as TTL and report ICMPv6 replies in the same codes.",
    "The kernel of this host answers each SYN-ACK with a RST, as for scapy or nmap -sS: no",
    "connection is left half-open. Routers rate-limit ICMP; silent hops are probed again.",
    "",
    "Examples:",
    "  netreport trace 192.0.2.10 198.51.100.7 -p 80,443 --format html,png",
    "  netreport trace 2001:db8::10 -p 443 --protocol tcp",
    "  netreport trace 127.0.0.1 -p 22 --no-geoip",
    "  netreport trace --from reports/trace.json --format pdf",
  ].join("\n"),
  args: [{ name: "targets", description: "target IP addresses", variadic: true, required: false }],
  options: [
    { flags: "-p, --ports <list>", description: "TCP destination ports, comma-separated", default: "80,443" },
    { flags: "--protocol <name>", description: "probe protocol", default: "tcp", choices: ["tcp", "udp", "icmp"] },
    { flags: "-m, --max-ttl <n>", description: "largest TTL", default: "30" },
    { flags: "--min-ttl <n>", description: "first TTL", default: "1" },
    { flags: "-q, --queries <n>", description: "probes per hop", default: "1" },
    { flags: "--retries <n>", description: "extra rounds for silent hops", default: "2" },
    { flags: "--timeout <ms>", description: "wait for replies after each round, ms", default: "2000" },
    { flags: "--system", description: "run the system traceroute (-T for TCP) instead of raw probes", default: false },
    { flags: "--from <json>", description: "report a saved trace (a bundle or traceHops dataset written with --format json)" },
    { flags: "--geoip-db <mmdb>", description: "City/Country database for hop places (default: the embedded DB-IP Lite)" },
    { flags: "--asn-db <mmdb>", description: "ASN database for AS numbers and organisations (default: the prepared embedded one)" },
    { flags: "--lookup-private", description: "look up non-public addresses too (test databases)", default: false },
    { flags: "--no-geoip", description: "no AS or place lookups" },
    { flags: "--graph", description: "also write the route graph as <name>.route.svg and <name>.route.png", default: false },
    { flags: "--title <text>", description: "report title" },
  ],
  outputs: { defaultFormats: ["html"] },
  async run(args, options, io) {
    const targets = ((args[0] as string[] | undefined) ?? []).filter(Boolean);
    const from = options.from as string | undefined;
    if (!from && !targets.length) throw new NetreportError("EUSAGE", "give target addresses or --from <json>", { where: "trace" });
    if (from && targets.length) throw new NetreportError("EUSAGE", "give either targets or --from, not both", { where: "--from" });
    const out = outputOptions(options, "trace");
    out.inputs = [from, options.geoipDb, options.asnDb].filter((f): f is string => typeof f === "string");
    out.extraFiles = options.graph ? [`${out.name}.route.svg`, `${out.name}.route.png`] : [];
    await checkOutputs(out);
    const [trace, compose] = await Promise.all([import("../../analyses/trace/index.js"), import("../../report/compose/trace.js")]);
    let result;
    let attributions: string[] = [];
    if (from) {
      const { readFile } = await import("node:fs/promises");
      const { parseJson, checkDataset } = await import("../../dataset/json.js");
      const text = await readFile(from, "utf8").catch((e: unknown) => {
        throw new NetreportError("EINPUT", `cannot read: ${(e as Error).message}`, { where: from, cause: e });
      });
      const value = parseJson(text, from) as { datasets?: unknown } | null;
      // A bundle's traceHops dataset, or a lone dataset (checkDataset refuses anything else).
      const datasets = value?.datasets;
      const list: unknown[] | null = Array.isArray(datasets) ? datasets : null;
      const index = list ? list.findIndex((d) => (d as { kind?: unknown } | null)?.kind === "traceHops") : -1;
      if (list && index < 0) throw new NetreportError("EDATASET_SCHEMA", "the bundle has no traceHops dataset", { where: from });
      result = trace.traceResultFromDataset(list ? checkDataset(list[index], `${from} datasets[${index}]`) : checkDataset(value, from));
    } else {
      const ports = parsePortList(String(options.ports ?? "80,443"));
      const maxTtl = integer(options.maxTtl ?? 30, "--max-ttl", 1, 255);
      const minTtl = integer(options.minTtl ?? 1, "--min-ttl", 1, maxTtl);
      const geo = await openCliGeo(options, io, { lookupPrivate: Boolean(options.lookupPrivate) });
      attributions = geo.attribution;
      const locator = geo.enricher;
      const close = () => geo.close();
      io.stderr.write(`tracing ${targets.join(", ")} …\n`);
      try {
        result = await trace.traceRoute({
          targets,
          ports,
          protocol: String(options.protocol ?? "tcp") as "tcp",
          minTtl,
          maxTtl,
          queries: integer(options.queries ?? 1, "--queries", 1, 10),
          retries: integer(options.retries ?? 2, "--retries", 0, 10),
          timeoutMs: integer(options.timeout ?? 2000, "--timeout", 1, 600_000),
          method: options.system ? "traceroute" : "raw",
          locator,
          signal: io.signal,
        });
      } finally {
        close();
      }
    }
    const report = compose.composeTraceReport(result, { ...(options.title ? { title: String(options.title) } : {}), attributions, ...(out.lang ? { lang: out.lang } : {}) });
    await writeOutputs(report, out, io);
    if (options.graph) {
      const { writeFile, mkdir } = await import("node:fs/promises");
      const { join, resolve } = await import("node:path");
      const g = await compose.renderRouteGraph(result, out.lang);
      await mkdir(resolve(out.outDir), { recursive: true });
      for (const [ext, data] of [["svg", g.svg], ["png", g.png]] as const) {
        const path = join(resolve(out.outDir), `${out.name}.route.${ext}`);
        await writeFile(path, data).catch((e: unknown) => {
          throw new NetreportError("EOUTPUT", `cannot write: ${(e as Error).message}`, { where: path, cause: e });
        });
        io.stderr.write(`wrote ${path}\n`);
      }
    }
    for (const w of result.hops.warnings) io.stderr.write(`trace: ${w}\n`);
    const paths = compose.asPaths(result.hops.rows);
    for (const p of paths) io.stderr.write(`${p.target}: ${p.ports}; ${p.hops} hop(s); ${p.asPath}\n`);
  },
};
