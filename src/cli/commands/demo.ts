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
    { flags: "--no-loopback-load", description: "do not make HTTP traffic of its own on 127.0.0.1 while sampling" },
  ],
  outputs: { defaultFormats: ["html", "pdf"] },
  async run(_args, options, io) {
    const seconds = Number(options.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
      throw new NetreportError("EUSAGE", `--seconds must be a number of seconds from 0 to 3600, got "${String(options.seconds)}"`, { where: "--seconds" });
    }
    const out = outputOptions(options, "demo");
    const lang = out.lang ?? "en";
    // Loaded on use so `--help` and other commands start fast.
    const [{ readSockets }, { sampleTraffic, startLoopbackLoad }, { composeLocalReport }] = await Promise.all([
      import("../../analyses/sessions/index.js"),
      import("../../analyses/traffic/index.js"),
      import("../../report/compose/local.js"),
    ]);
    // An idle machine shows flat lines; a bounded HTTP load on 127.0.0.1 (our own server, never
    // another address) gives the chart, the connections and the graph something real to show.
    const load = options.loopbackLoad === false ? null : await startLoopbackLoad({ maxMs: seconds * 1000 + 30_000 });
    io.stderr.write(`sampling interface traffic for ${seconds} s${load ? ` (with HTTP load on 127.0.0.1:${load.port})` : ""} …\n`);
    let traffic, sockets;
    try {
      [traffic, sockets] = await Promise.all([
        sampleTraffic({ durationMs: seconds * 1000, intervalMs: Math.min(500, seconds * 250), signal: io.signal }),
        readSockets(),
      ]);
    } finally {
      await load?.stop();
    }
    const notes = load ? [`While sampling, the demo served HTTP to itself on 127.0.0.1:${load.port} (${load.requests()} requests over kept-alive connections) so that loopback traffic and connections appear; start it with \`--no-loopback-load\` to see the machine alone.`] : [];
    const report = composeLocalReport({ ...traffic, ...sockets }, { lang, notes });
    await writeOutputs(report, out, io);
  },
};
