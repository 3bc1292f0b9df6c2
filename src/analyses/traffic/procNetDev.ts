/**
 * Parses /proc/net/dev: the kernel's per-interface packet and byte counters since boot.
 *
 * Layout (two header lines, then one line per interface):
 *   Inter-|   Receive                                                |  Transmit
 *    face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
 *       lo:  123456     789    0    0    0     0          0         0   123456     789    0    0    0     0       0          0
 * The name ends at the first ':' (old kernels glue the first counter to it: `eth0:123`), then 16
 * unsigned decimal counters: 8 receive, 8 transmit.
 */
import { NetreportError } from "../../errors.js";

/** One interface's counters at one moment (all since boot). */
export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/** The counters of every interface, keyed by name. */
export type CounterSnapshot = Map<string, InterfaceCounters>;

/**
 * Parses the text of /proc/net/dev.
 * @param file named in errors. Default "/proc/net/dev".
 * @throws NetreportError EPROC naming the file and line of a malformed line.
 */
export function parseProcNetDev(text: string, file = "/proc/net/dev"): CounterSnapshot {
  const out: CounterSnapshot = new Map();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    // The two header lines have '|' and no ':'.
    if (colon < 0 || line.includes("|")) {
      if (line.trim() !== "" && i >= 2) throw malformed(file, i + 1, "no ':' after the interface name");
      continue;
    }
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/);
    if (name === "" || fields.length < 16) throw malformed(file, i + 1, `expected 16 counters after "${name}:", found ${fields.length}`);
    const n = fields.map(Number);
    if (n.some((v) => !Number.isSafeInteger(v) || v < 0)) throw malformed(file, i + 1, `counters of "${name}" are not unsigned integers`);
    out.set(name, {
      name,
      rxBytes: n[0]!,
      rxPackets: n[1]!,
      rxErrors: n[2]!,
      rxDropped: n[3]!,
      txBytes: n[8]!,
      txPackets: n[9]!,
      txErrors: n[10]!,
      txDropped: n[11]!,
    });
  }
  if (out.size === 0) throw new NetreportError("EPROC", `${file} lists no interface`, { where: file });
  return out;
}

function malformed(file: string, line: number, what: string): NetreportError {
  return new NetreportError("EPROC", `malformed interface line: ${what}`, { where: `${file}:${line}` });
}
