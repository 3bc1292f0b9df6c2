/**
 * `netreport demo`: a real report from this machine alone, needing no network — interface traffic
 * sampled from /proc/net/dev over a few seconds, listening services and local service ↔ peer
 * relations from /proc/net/{tcp,tcp6,udp,udp6}. Grows as analyses land.
 */
import { NetreportError } from "../../errors.js";
import { outputOptions, writeOutputs } from "../output.js";
import type { CommandSpec } from "../command.js";

export const demoCommand: CommandSpec = {
  name: "demo",
  summary: "write a demo report of this machine's interfaces and sockets (no network needed)",
  description: [
    "Sample this machine's interface counters for a few seconds, read its sockets from /proc and",
    "write a report: traffic chart, listening services, service ↔ peer graph.",
    "",
    "Example:",
    "  netreport demo --seconds 5 --format html,pdf --out reports/",
  ].join("\n"),
  options: [
    { flags: "--seconds <n>", description: "how long to sample interface traffic", default: "3" },
    { flags: "--lang <tag>", description: "language of the report's own words (en, zh-CN)", default: "en" },
  ],
  outputs: { defaultFormats: ["html", "pdf"] },
  async run(_args, options, io) {
    const seconds = Number(options.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
      throw new NetreportError("EUSAGE", `--seconds must be a number of seconds from 0 to 3600, got "${String(options.seconds)}"`, { where: "--seconds" });
    }
    const out = outputOptions(options, "demo");
    // Loaded on use so `--help` and other commands start fast.
    const [{ readSockets }, { sampleTraffic }, { composeLocalReport }] = await Promise.all([
      import("../../analyses/sessions/index.js"),
      import("../../analyses/traffic/index.js"),
      import("../../report/compose/local.js"),
    ]);
    io.stderr.write(`sampling interface traffic for ${seconds} s …\n`);
    const [traffic, sockets] = await Promise.all([
      sampleTraffic({ durationMs: seconds * 1000, intervalMs: Math.min(500, seconds * 250), signal: io.signal }),
      readSockets(),
    ]);
    const report = composeLocalReport({ ...traffic, ...sockets }, { lang: String(options.lang) });
    await writeOutputs(report, out, io);
  },
};
