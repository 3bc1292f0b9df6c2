/**
 * `netreport pcap <file...>` and `netreport pcap --live <iface>`: packet-capture forensics report.
 * Parses arguments, wires reader/live capture, GeoIP enricher, report composer and outputs.
 */
import { progressBar } from "../progress.js";
import { openCliGeo } from "../geoip.js";
import { NetreportError } from "../../errors.js";
import { checkOutputs, outputOptions, writeOutputs } from "../output.js";
import type { CommandSpec } from "../command.js";
import type { PcapThresholds } from "../../analyses/pcap/thresholds.js";

/** Thresholds settable from the command line: flag → threshold name. */
const THRESHOLD_FLAGS: [flag: string, key: keyof PcapThresholds, description: string][] = [
  ["--irc-port <port>", "ircPort", "TCP port searched for IRC !lazor commands"],
  ["--ddos-port <port|any>", "ddosPort", "destination port watched for floods ('any' for all)"],
  ["--ddos-packets <n>", "ddosPackets", "packets from one source to one target that make a flood"],
  ["--ddos-window <s>", "ddosWindowSeconds", "flood time window in seconds"],
  ["--ddos-window-packets <n>", "ddosWindowPackets", "packets to one target port in one window that make a flood"],
  ["--ttl-spread <n>", "ttlSpread", "largest TTL spread one sender may show"],
  ["--flux-addresses <n>", "fluxAddresses", "distinct addresses for one name that suggest fast-flux"],
  ["--flux-max-ttl <s>", "fluxMaxTtl", "largest answer TTL counted as short for fast-flux"],
  ["--nxdomain <n>", "nxdomainPerClient", "NXDOMAIN answers to one client that suggest domain-flux"],
  ["--isn-samples <n>", "isnMinSamples", "ISNs per host needed to judge predictability"],
];

const camel = (flag: string) => flag.replace(/^--/, "").split(" ")[0]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function positive(value: unknown, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new NetreportError("EUSAGE", `${flag} needs a positive number, got "${String(value)}"`, { where: flag });
  return n;
}

/** Reads threshold flags into a partial threshold set. */
export function thresholdsFromOptions(options: Record<string, unknown>): Partial<PcapThresholds> {
  const out: Partial<PcapThresholds> = {};
  for (const [flag, key] of THRESHOLD_FLAGS) {
    const v = options[camel(flag)];
    if (v === undefined) continue;
    const name = flag.split(" ")[0]!;
    if (key === "ddosPort" && String(v).toLowerCase() === "any") out.ddosPort = null;
    else if (key === "ircPort" || key === "ddosPort") {
      const p = positive(v, name);
      if (!Number.isInteger(p) || p > 65535) throw new NetreportError("EUSAGE", `${name} must be a port 1-65535, got "${String(v)}"`, { where: name });
      out[key] = p;
    } else out[key] = positive(v, name, key === "ttlSpread");
  }
  return out;
}

/** The `pcap` command. */
export const pcapCommand: CommandSpec = {
  name: "pcap",
  summary: "packet-capture forensics: conversations, endpoints, DNS, and attack detectors",
  description: [
    "Read pcap/pcapng files (gzip-compressed too) or capture live, and report conversations,",
    "endpoints (located with the embedded DB-IP/ASN databases, or --geoip-db/--asn-db), traffic over",
    "time, DNS and HTTP, with findings of",
    "LOIC downloads, IRC !lazor commands, floods, TTL anomalies, fast-flux, domain-flux and",
    "predictable TCP sequence numbers. A damaged capture is analysed up to the damage.",
    "",
    "Examples:",
    "  netreport pcap capture.pcapng --geoip-db GeoLite2-City.mmdb --asn-db GeoLite2-ASN.mmdb",
    "  netreport pcap --live eth0 --filter 'port 53' --duration 30 --format html,json",
  ].join("\n"),
  args: [{ name: "files", description: "capture files (.pcap, .pcapng, optionally .gz)", variadic: true, required: false }],
  options: [
    { flags: "--live <iface>", description: "capture live from this interface instead of files" },
    { flags: "--filter <bpf>", description: "BPF filter for --live" },
    { flags: "--duration <s>", description: "seconds to capture with --live (default 10 unless --count)" },
    { flags: "--count <n>", description: "packets to capture with --live" },
    { flags: "--geoip-db <mmdb>", description: "MaxMind City/Country database for endpoint locations (default: embedded DB-IP City Lite)" },
    { flags: "--asn-db <mmdb>", description: "MaxMind ASN database for endpoint networks (default: embedded ip-location-db ASN)" },
    { flags: "--no-geoip", description: "do not locate endpoints" },
    { flags: "--kml", description: "also write located endpoints as <name>.kml", default: false },
    { flags: "--title <text>", description: "report title" },
    ...THRESHOLD_FLAGS.map(([flags, , description]) => ({ flags, description })),
  ],
  outputs: { defaultFormats: ["html"] },
  async run(args, options, io) {
    const files = ((args[0] as string[] | undefined) ?? []).filter(Boolean);
    const live = options.live as string | undefined;
    if (!live && files.length === 0) throw new NetreportError("EUSAGE", "give capture files or --live <iface>", { where: "pcap" });
    if (live && files.length) throw new NetreportError("EUSAGE", "give either capture files or --live, not both", { where: "--live" });
    const thresholds = thresholdsFromOptions(options);
    const out = outputOptions(options, live ? `pcap-live-${live}` : "pcap");
    out.inputs = [...files, options.geoipDb, options.asnDb].filter((f): f is string => typeof f === "string");
    out.extraFiles = options.kml ? [`${out.name}.kml`] : [];
    // Before reading the captures, which can take minutes.
    await checkOutputs(out);
    const [{ analysePcap, captureLive, createPcapSession }, compose] = await Promise.all([import("../../analyses/pcap/index.js"), import("../../report/compose/pcap.js")]);
    const geo = await openCliGeo(options, io);
    let result;
    try {
      if (live) {
        const session = createPcapSession({ thresholds, locator: geo.enricher });
        const durationMs = options.duration !== undefined ? positive(options.duration, "--duration") * 1000 : undefined;
        const count = options.count !== undefined ? positive(options.count, "--count") : undefined;
        io.stderr.write(`capturing on ${live}${options.filter ? ` (${String(options.filter)})` : ""} …\n`);
        const s = await captureLive(session, { iface: live, ...(options.filter ? { filter: String(options.filter) } : {}), ...(durationMs ? { durationMs } : {}), ...(count ? { count } : {}), signal: io.signal });
        io.stderr.write(`captured ${s.packets} packets; kernel drops ${s.kernelDrops ?? "unknown"}\n`);
        result = session.finish({ live, filter: options.filter ?? null, thresholds });
      } else {
        const { stat } = await import("node:fs/promises");
        const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)));
        const total = sizes.reduce((a, b) => a + b, 0);
        const bar = total > 32 * 1024 * 1024 ? await progressBar(io, "reading {bar} {percentage}% | {value}/{total} MB") : null;
        bar?.start(Math.ceil(total / 1048576), {});
        const done = new Map<string, number>();
        result = await analysePcap(files, {
          thresholds,
          locator: geo.enricher,
          signal: io.signal,
          onProgress: (file, read) => {
            if (!bar) return;
            done.set(file, read);
            bar.update(Math.floor([...done.values()].reduce((a, b) => a + b, 0) / 1048576), {});
          },
        });
        bar?.stop();
      }
    } finally {
      geo.close();
    }
    result.warnings.push(...geo.warnings);
    for (const e of result.errors.slice(1)) io.stderr.write(`${e.toLine()}\n`);
    const report = compose.composePcapReport(result, {
      ...(options.title ? { title: String(options.title) } : {}),
      scope: live ? `live capture on ${live}` : files.join(", "),
      world: compose.loadWorldTopology(),
      attributions: geo.attribution,
      ...(out.lang ? { lang: out.lang } : {}),
    });
    await writeOutputs(report, out, io);
    if (options.kml) {
      const { writeFile, mkdir } = await import("node:fs/promises");
      const { join, resolve } = await import("node:path");
      const { kml, warnings } = compose.composePcapKml(result);
      const path = join(resolve(out.outDir), `${out.name}.kml`);
      await mkdir(resolve(out.outDir), { recursive: true });
      await writeFile(path, kml).catch((e: unknown) => {
        throw new NetreportError("EOUTPUT", `cannot write: ${(e as Error).message}`, { where: path, cause: e });
      });
      for (const w of warnings) io.stderr.write(`kml: ${w}\n`);
      io.stderr.write(`wrote ${path}\n`);
    }
    io.stderr.write(`${result.totals.packets} packets, ${result.findings.length} finding(s)${result.errors.length ? `, ${result.errors.length} read error(s): analysis is partial` : ""}\n`);
    // The partial report is written; the first read error still makes the exit code say so.
    if (result.errors[0]) throw result.errors[0];
  },
};
