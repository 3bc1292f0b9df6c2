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

/**
 * The EPERM_RAW error: says what is missing and the ways on. `from: "traceroute"` is the
 * fallback's own refusal (Debian's `traceroute -T` needs CAP_NET_RAW as well), which points at
 * traceroute's UDP method, the one that needs no privilege.
 */
export function permissionError(cause?: unknown, from: "raw" | "traceroute" = "raw"): NetreportError {
  const raw = from === "raw";
  return new NetreportError("EPERM_RAW", raw ? "TCP/UDP/ICMP traceroute probes are raw frames and need root or CAP_NET_RAW" : "the system traceroute -T (TCP SYN probes) needs root or CAP_NET_RAW too", {
    hint: raw
      ? "run as root, grant it with `setcap cap_net_raw+ep $(command -v node)`, or use the fallback that runs the system `traceroute -T` (`netreport trace --system`, or method: \"traceroute\")"
      : "run as root, or trace with UDP probes, which traceroute sends without privilege (`netreport trace --system --protocol udp`)",
    ...(cause === undefined ? {} : { cause }),
  });
}
