/**
 * Traces to this host's own addresses (127.0.0.0/8 and the interfaces' addresses).
 *
 * Raw frames cannot do it: a frame injected on `lo` enters the stack without a route attached,
 * and Linux's input routing drops 127/8 sources and destinations as martians (unless
 * route_localnet), so no SYN-ACK ever comes. A loopback path has exactly one hop, the target, and
 * TTL plays no part, so the hop is measured with an ordinary connect(): established → `SA`,
 * refused → `RA`, no answer before the timeout → `unk`. TCP only; needs no privilege.
 */
import { connect } from "node:net";
import { NetreportError } from "../../errors.js";
import type { Hop } from "./hops.js";
import type { TraceOptions } from "./types.js";

/** Connects to `target:port`; resolves with the reply kind and the RTT in ms. */
export function probeConnect(target: string, port: number, timeoutMs: number): Promise<{ kind: "SA" | "RA" | "unk"; rttMs: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const s = connect({ host: target, port });
    const done = (kind: "SA" | "RA" | "unk") => {
      clearTimeout(timer);
      s.destroy();
      resolve({ kind, rttMs: kind === "unk" ? null : Math.round((performance.now() - started) * 1000) / 1000 });
    };
    const timer = setTimeout(() => done("unk"), timeoutMs);
    s.once("connect", () => done("SA"));
    s.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "RA" : "unk"));
  });
}

/** Traces local `targets` (see the module comment): one hop each, per port. */
export async function localTrace(options: TraceOptions, targets: string[], probe = probeConnect): Promise<Hop[]> {
  if ((options.protocol ?? "tcp") !== "tcp") {
    throw new NetreportError("ETRACE", `${options.protocol} probes to this host's own addresses are not supported`, { where: targets.join(", "), hint: "use TCP probes for loopback targets" });
  }
  const hops: Hop[] = [];
  for (const target of targets) {
    for (const port of options.ports ?? [80, 443]) {
      const rtts: (number | null)[] = [];
      let kind: "SA" | "RA" | "unk" = "unk";
      for (let q = 0; q < (options.queries ?? 1); q++) {
        const r = await probe(target, port, options.timeoutMs ?? 2000);
        rtts.push(r.rttMs);
        if (r.kind !== "unk") kind = r.kind;
      }
      const answered = rtts.filter((x): x is number => x !== null);
      hops.push({ target, protocol: "tcp", port, ttl: 1, address: kind === "unk" ? null : target, kind, isTarget: kind !== "unk", rttMs: answered.length ? Math.min(...answered) : null, rtts });
    }
  }
  return hops;
}
