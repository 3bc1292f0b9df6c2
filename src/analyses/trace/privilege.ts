/**
 * Whether this process may send raw frames: root's effective capabilities or CAP_NET_RAW alone.
 * Pure parser + the error every raw path throws without it.
 */
import { NetreportError } from "../../errors.js";

/** CAP_NET_RAW's bit number in the capability sets. */
const CAP_NET_RAW = 13n;

/**
 * True when /proc/self/status text shows CAP_NET_RAW in `CapEff` (a 64-bit hex mask), false when
 * it does not, null when the line is missing (not Linux).
 */
export function hasNetRaw(procStatus: string): boolean | null {
  const m = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(procStatus);
  if (!m) return null;
  return ((BigInt(`0x${m[1]}`) >> CAP_NET_RAW) & 1n) === 1n;
}

/** The EPERM_RAW error: says what is missing and the two ways on. */
export function permissionError(cause?: unknown): NetreportError {
  return new NetreportError("EPERM_RAW", "TCP/UDP/ICMP traceroute probes are raw frames and need root or CAP_NET_RAW", {
    hint: "run as root, grant it with `setcap cap_net_raw+ep $(command -v node)`, or use the fallback that runs the system `traceroute -T` (`netreport trace --system`, or method: \"traceroute\")",
    ...(cause === undefined ? {} : { cause }),
  });
}
