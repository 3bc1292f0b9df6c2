/**
 * The fallback: run the system `traceroute` (Debian's, `-T` for TCP SYN probes) once per target
 * and port, all at once, and read its output into the same hops the raw engine makes.
 *
 * `traceroute -T` does not say whether the destination answered with SYN-ACK or RST, so its
 * destination hops have kind `dst` (UDP: `3/3`, ICMP: `0`, which those methods imply). It needs CAP_NET_RAW itself unless the binary carries it;
 * `protocol: "udp"` runs traceroute's default UDP method, which works unprivileged.
 */
import { execFile } from "node:child_process";
import { NetreportError } from "../../errors.js";
import type { Hop } from "./hops.js";
import { parseTracerouteOutput, printedHopKind } from "./traceroute-output.js";
import { permissionError } from "./privilege.js";
import type { TraceOptions } from "./types.js";

/** Runs a program; resolves with its exit code and output (never rejects on a non-zero exit). */
export type RunProgram = (cmd: string, args: string[], signal?: AbortSignal) => Promise<{ code: number | null; stdout: string; stderr: string; missing?: boolean }>;

/** execFile, without a shell. */
export const runProgram: RunProgram = (cmd, args, signal) =>
  new Promise((resolve) => {
    execFile(cmd, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr, missing: e?.code === "ENOENT" });
    });
  });

/** The traceroute arguments for one (target, port). */
export function tracerouteArgs(target: string, port: number | null, o: TraceOptions): string[] {
  const protocol = o.protocol ?? "tcp";
  const method = protocol === "tcp" ? ["-T", "-p", String(port ?? 80)] : protocol === "icmp" ? ["-I"] : [];
  const wait = Math.max(1, Math.round((o.timeoutMs ?? 2000) / 1000));
  return ["-n", ...method, "-f", String(o.minTtl ?? 1), "-m", String(o.maxTtl ?? 30), "-q", String(o.queries ?? 1), "-w", String(wait), target];
}

/** Traces with the system traceroute (see the module comment). */
export async function systemTrace(options: TraceOptions, run: RunProgram = runProgram, program = "traceroute"): Promise<{ hops: Hop[]; warnings: string[] }> {
  const protocol = options.protocol ?? "tcp";
  const ports: (number | null)[] = protocol === "tcp" ? (options.ports ?? [80, 443]) : [null];
  const jobs = options.targets.flatMap((target) => ports.map((port) => ({ target, port })));
  const results = await Promise.all(jobs.map((j) => run(program, tracerouteArgs(j.target, j.port, options), options.signal)));
  const hops: Hop[] = [];
  const warnings: string[] = [];
  results.forEach((res, i) => {
    const { target, port } = jobs[i]!;
    if (res.missing) throw new NetreportError("ETRACE", `${program} is not installed`, { hint: "apt-get install traceroute" });
    if (/privilege|not permitted/i.test(res.stderr)) throw permissionError(new Error(res.stderr.trim()), "traceroute");
    if (res.code !== 0 && !res.stdout.trim()) {
      throw new NetreportError("ETRACE", `${program} failed for ${target}: ${res.stderr.trim().split("\n")[0] ?? `exit ${res.code}`}`, { where: `${program} ${tracerouteArgs(target, port, options).join(" ")}` });
    }
    const printed = parseTracerouteOutput(res.stdout);
    for (const h of printed.hops) {
      const printed = printedHopKind(h, target);
      const { address } = printed;
      // The UDP method reaches the target when it answers port unreachable, the ICMP method when
      // it echoes; only TCP leaves the reply unknown.
      const kind = printed.kind === "dst" && protocol !== "tcp" ? (protocol === "udp" ? "3/3" : "0") : printed.kind;
      const rtts = h.probes.map((p) => (p.address === address ? p.rttMs : null));
      const answered = rtts.filter((x): x is number => x !== null);
      hops.push({ target, protocol, port, ttl: h.ttl, address, kind, isTarget: address === target, rttMs: answered.length ? Math.min(...answered) : null, rtts });
    }
  });
  if (protocol === "tcp") warnings.push("traceroute -T does not tell SYN-ACK from RST: destination hops are marked `dst`");
  return { hops, warnings };
}
