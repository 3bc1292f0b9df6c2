/**
 * What a TCP connect attempt says about a port, as nmap's connect scan (-sT) reads it:
 * a completed handshake is open, a reset (ECONNREFUSED) closed, silence or an ICMP
 * unreachable filtered. Local failures say nothing about the port and are never a state: the
 * passing ones (no file descriptors, no ephemeral ports, a loopback socket that connected to
 * itself: `ESELFCONNECT`) are `retry`; the others (EINVAL for a link-local address without a
 * zone) fail the same way every time and are `failed` at once.
 */
import { PortState } from "../types.js";

/** How one connect attempt ended, as the connect effect reports it. */
export interface ProbeOutcome {
  /** `connected`: handshake done; `timeout`: our timer fired first; `error`: the socket failed. */
  kind: "connected" | "timeout" | "error";
  /** The errno name for `error` (`ECONNREFUSED`, `EHOSTUNREACH`, ...), else `null`. */
  code: string | null;
  /** Time from connect() to the outcome, ms. */
  rttMs: number;
  /** First bytes the service sent within the banner wait, or `null`. */
  banner: Uint8Array | null;
}

/** A classified outcome: a port state with nmap's reason, a local failure to retry, or one that will not pass. */
export type Classified =
  | { kind: "state"; state: PortState; reason: string; rttSample: boolean }
  | { kind: "retry"; reason: string }
  | { kind: "failed"; reason: string };

/** Local failures that fewer probes in flight would avoid: out of file descriptors, buffers or ephemeral ports. */
export const CROWDING: ReadonlySet<string> = new Set(["EMFILE", "ENFILE", "ENOBUFS", "EADDRNOTAVAIL"]);

const UNREACH: Record<string, string> = {
  EHOSTUNREACH: "host-unreach",
  ENETUNREACH: "net-unreach",
  EHOSTDOWN: "host-unreach",
  ENETDOWN: "net-unreach",
  EACCES: "admin-prohibited",
  EPERM: "admin-prohibited",
  ETIMEDOUT: "no-response",
};

/** Classifies one outcome. `rttSample` says whether its time measures a real round trip. */
export function classifyOutcome(o: ProbeOutcome): Classified {
  if (o.kind === "connected") return { kind: "state", state: PortState.open, reason: "syn-ack", rttSample: true };
  if (o.kind === "timeout") return { kind: "state", state: PortState.filtered, reason: "no-response", rttSample: false };
  const code = o.code ?? "UNKNOWN";
  if (code === "ECONNREFUSED" || code === "ECONNRESET") return { kind: "state", state: PortState.closed, reason: "conn-refused", rttSample: true };
  const unreach = UNREACH[code];
  if (unreach) return { kind: "state", state: PortState.filtered, reason: unreach, rttSample: false };
  return CROWDING.has(code) || code === "ESELFCONNECT" ? { kind: "retry", reason: code } : { kind: "failed", reason: code };
}
