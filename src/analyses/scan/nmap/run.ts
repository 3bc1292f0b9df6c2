/**
 * The nmap adapter: runs nmap for what Node cannot do (`-sV` versions, `-O`, SYN scans as root)
 * and reads its XML into the same {@link ScanResult} as the connect scanner.
 *
 *   args (args.ts) ─1─ spawn nmap (an injected effect) ─2─ collect stdout (the XML), watch
 *   <taskprogress> for progress, keep stderr's last lines ─3─ on exit: parse the XML; on
 *   abort: nmap is stopped and the hosts it finished are kept ─4─ result tagged "nmap"
 *
 * Failures are `ENMAP` and say what to do: nmap not installed, nmap refusing (needs root for
 * -sS/-O), XML that does not parse (named `nmap stdout:<line>:<col>`).
 */
import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";
import { NetreportError, isNetreportError } from "../../../errors.js";
import { parseNmapXml } from "./import.js";
import { nmapArgs, type NmapArgsOptions } from "./args.js";
import { PARTIAL_MARK, type ScanResult } from "../types.js";
import { formatText } from "../probe/banner.js";

/** What the adapter needs from the world: a way to start nmap. */
export interface NmapEffects {
  /** Starts `file` with `args`, stdout and stderr piped. Default: child_process.spawn. */
  spawn: (file: string, args: string[]) => ChildProcess;
}

/** The real effects. */
export const defaultNmapEffects: NmapEffects = {
  spawn: (file, args) => nodeSpawn(file, args, { stdio: ["ignore", "pipe", "pipe"] }),
};

/** Progress nmap reports (`<taskprogress task percent remaining>`). */
export interface NmapProgress {
  /** nmap's current phase, e.g. "Connect Scan", "Service scan". */
  task: string;
  /** 0–100, of the current phase. */
  percent: number;
  /** nmap's estimate of seconds left in the phase, when given. */
  remainingS: number | null;
}

/** Options of {@link runNmap}. */
export interface RunNmapOptions extends NmapArgsOptions {
  /** The nmap program. Default "nmap". */
  nmapPath?: string;
  signal?: AbortSignal;
  /** After an abort, how long (ms) nmap gets to stop on SIGINT before it is killed (SIGKILL). Default 5000. */
  stopGraceMs?: number;
  onProgress?: (p: NmapProgress) => void;
}

const PROGRESS = /<taskprogress\b[^>]*?\btask="([^"]*)"[^>]*?\bpercent="([\d.]+)"(?:[^>]*?\bremaining="(\d+)")?/g;

/**
 * Closes the XML of an nmap run that was stopped midway: keeps everything up to the last
 * complete `</host>` and closes `<nmaprun>`. Returns null when no host was finished.
 */
export function salvageXml(xml: string): string | null {
  const end = xml.lastIndexOf("</host>");
  if (end < 0 || !xml.includes("<nmaprun")) return null;
  return `${xml.slice(0, end + "</host>".length)}\n</nmaprun>\n`;
}

/**
 * Runs nmap and returns its result as a {@link ScanResult} with source "nmap".
 * On abort, nmap is stopped (SIGINT, as Ctrl-C would; SIGKILL if it is still running
 * `stopGraceMs` later) and the hosts it had finished are returned with `partial: true`.
 * @throws NetreportError ENMAP when nmap is missing, exits with an error, or writes unreadable XML;
 *   EUSAGE for refused extra arguments (see {@link nmapArgs}).
 */
export async function runNmap(options: RunNmapOptions, effects: NmapEffects = defaultNmapEffects): Promise<ScanResult> {
  const graceMs = options.stopGraceMs ?? 5000;
  const file = options.nmapPath ?? "nmap";
  const args = nmapArgs(options);
  const shown = `${file} ${args.join(" ")}`;
  const startedAt = new Date();
  // 1. Start nmap.
  const child = effects.spawn(file, args);
  let stdout = "";
  let stderr = "";
  let seen = 0;
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  // 2. Collect the XML, report progress from the newest <taskprogress>, keep stderr's tail.
  child.stdout?.on("data", (d: string) => {
    stdout += d;
    if (!options.onProgress) return;
    PROGRESS.lastIndex = Math.max(0, seen - 200);
    let last: RegExpExecArray | null = null;
    for (let m = PROGRESS.exec(stdout); m; m = PROGRESS.exec(stdout)) last = m;
    seen = stdout.length;
    if (last) options.onProgress({ task: last[1]!, percent: Number(last[2]), remainingS: last[3] ? Number(last[3]) : null });
  });
  child.stderr?.on("data", (d: string) => {
    stderr = (stderr + d).slice(-4096);
  });
  let aborted = false;
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    aborted = true;
    child.kill("SIGINT");
    // nmap can sit in a script or a DNS wait, or ignore SIGINT: Ctrl-C must end the run all the same.
    killTimer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, graceMs);
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error: NodeJS.ErrnoException | null }>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal, error: null }));
  });
  options.signal?.removeEventListener("abort", stop);
  clearTimeout(killTimer);
  if (exit.error) {
    const missing = exit.error.code === "ENOENT";
    throw new NetreportError("ENMAP", missing ? `nmap is not installed (no "${file}" on PATH)` : `cannot start nmap: ${exit.error.message}`, {
      where: file,
      hint: missing ? "install nmap (apt-get install nmap), or scan without --nmap (the built-in connect scan)" : "check that nmap is executable",
      cause: exit.error,
    });
  }
  const lastLines = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^WARNING: Duplicate port/.test(l));
  // 3. Read what nmap wrote.
  let xml = stdout;
  let partial = false;
  if (aborted || exit.signal) {
    const closed = salvageXml(stdout);
    if (!closed) {
      throw new NetreportError("EINTERRUPTED", `nmap was stopped before it finished any host`, { where: shown });
    }
    xml = closed;
    partial = true;
  } else if (exit.code !== 0) {
    const why = lastLines.slice(-3).join(" / ") || `exit code ${exit.code}`;
    throw new NetreportError("ENMAP", `nmap failed: ${why}`, {
      where: shown,
      hint: /root|privileg|permission/i.test(why) ? "this nmap option needs root (run as root, or drop -sS/-O)" : "run the command above by hand to see nmap's own messages",
    });
  }
  let result: ScanResult;
  try {
    result = parseNmapXml(xml, "nmap stdout");
  } catch (e) {
    if (!isNetreportError(e)) throw e;
    throw new NetreportError("ENMAP", `nmap wrote XML that cannot be read: ${e.message}`, { where: e.where ?? "nmap stdout", hint: `command: ${shown}`, cause: e });
  }
  // 4. Tag it as an nmap run.
  const warnings = result.warnings.filter((w) => !(partial && w.includes("no <runstats>")));
  if (partial) warnings.push(`${PARTIAL_MARK} nmap was stopped${killed ? ` (killed: still running ${graceMs} ms after SIGINT)` : ""}; ${result.hosts.length} host(s) it had finished are kept`);
  // Escaped as banners are: a line can quote a name nmap resolved or read off the network.
  for (const l of lastLines.slice(-5)) if (/warning|failed|error/i.test(l)) warnings.push(`nmap: ${formatText(l.trim())}`);
  return {
    ...result,
    source: "nmap",
    warnings,
    partial: partial || result.partial,
    parameters: { ...result.parameters, command: [file, ...args] },
    startedAt: result.startedAt === new Date(0).toISOString() ? startedAt.toISOString() : result.startedAt,
    finishedAt: partial ? new Date().toISOString() : result.finishedAt,
  };
}
