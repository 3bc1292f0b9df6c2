/**
 * Live capture through libpcap (the `cap` addon): interface + BPF filter, stopped by duration,
 * packet count or abort, feeding the same session as files do.
 *
 *   cap.open(iface, filter) ─ 'packet' events ─▶ RawPacket (the one capture buffer, no copy)
 *                                              ─▶ session.feed
 *
 * `cap` exposes neither the packet timestamps nor pcap_stats(): packets are stamped with the time
 * their event is handled, and drops are taken from the interface's kernel counter
 * (/sys/class/net/<iface>/statistics/rx_dropped) before and after the capture.
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { isNetreportError, NetreportError } from "../../errors.js";
import { newRawPacket, pointAt } from "./read/packet.js";
import { LinkType } from "./decode/link.js";
import type { PcapSession } from "./session.js";

/** Options of {@link captureLive}. */
export interface LiveOptions {
  /** Interface name, e.g. `eth0` or `lo`. */
  iface: string;
  /** BPF filter (pcap-filter syntax). Default none. */
  filter?: string;
  /** Stop after this many ms. Default 10000 when no count is given. */
  durationMs?: number;
  /** Stop after this many packets. */
  count?: number;
  /** Stops the capture early (what was captured is kept). */
  signal?: AbortSignal;
  /** Called on every packet with the count so far. */
  onPacket?: (count: number) => void;
}

/** What a live capture saw. */
export interface LiveSummary {
  packets: number;
  /** Frames longer than the 64 KiB capture buffer (cut). */
  truncated: number;
  /** Increase of the interface's kernel rx_dropped counter during the capture, or null when unreadable. */
  kernelDrops: number | null;
  /** ms the capture ran. */
  durationMs: number;
  linkType: number;
  /**
   * What stopped the capture early when `session.feed` or `options.onPacket` threw (ECAPTURE, the
   * exception as its `cause`), else null. The session's source is ended with it, so the
   * session's result is partial and says so.
   */
  error: NetreportError | null;
}

const CAP_LINKTYPES: Record<string, number> = { ETHERNET: LinkType.ethernet, NULL: LinkType.null, LINKTYPE_LINUX_SLL: LinkType.sll, RAW: LinkType.raw, IEEE802_11_RADIO: 127 };

async function rxDropped(iface: string): Promise<number | null> {
  if (!/^[\w.:-]+$/.test(iface)) return null;
  try {
    return Number((await readFile(`/sys/class/net/${iface}/statistics/rx_dropped`, "utf8")).trim());
  } catch {
    return null;
  }
}

interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: "packet", fn: (nbytes: number, truncated: boolean) => void): void;
}

/**
 * Captures from `options.iface` into `session` (one source named `live:<iface>`).
 * @throws NetreportError ECAPTURE when the interface cannot be opened (no permission, no such
 * interface, bad filter). An exception from `session.feed` or `options.onPacket` stops the
 * capture without losing it: the source is ended with the error (as a read error ends a file) and
 * the summary's `error` holds it.
 */
export async function captureLive(session: PcapSession, options: LiveOptions): Promise<LiveSummary> {
  let CapCtor: new () => CapHandle;
  try {
    CapCtor = (createRequire(import.meta.url)("cap") as { Cap: new () => CapHandle }).Cap;
  } catch (e) {
    throw new NetreportError("ECAPTURE", `the libpcap addon "cap" cannot be loaded: ${(e as Error).message}`, { hint: "run `npm run setup` to build it", cause: e });
  }
  const cap = new CapCtor();
  const buffer = Buffer.alloc(65_535);
  const dropsBefore = await rxDropped(options.iface);
  let linkName: string;
  try {
    linkName = cap.open(options.iface, options.filter ?? "", 16 * 1024 * 1024, buffer);
  } catch (e) {
    // No cap.close() here: when open fails after pcap_activate (a bad filter) the addon keeps the
    // activated pcap handle but never started polling it, and its close() would stop a poll
    // handle that was never initialised. The handle leaks inside the addon until exit.
    throw new NetreportError("ECAPTURE", `cannot capture on ${options.iface}: ${(e as Error).message}`, {
      where: options.iface,
      hint: "check the interface name and the filter, and run as root or with CAP_NET_RAW",
      cause: e,
    });
  }
  const linkType = CAP_LINKTYPES[linkName];
  if (linkType === undefined) {
    cap.close();
    throw new NetreportError("ECAPTURE", `interface ${options.iface} has an unsupported link type (${linkName})`, { where: options.iface });
  }
  session.beginSource(`live:${options.iface}`);
  const pkt = newRawPacket();
  pointAt(pkt, buffer);
  pkt.linkType = linkType;
  let packets = 0;
  let truncated = 0;
  const started = Date.now();
  const durationMs = options.durationMs ?? (options.count ? Infinity : 10_000);
  let failed = false;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    let done = false;
    const stop = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
      cap.close();
      resolve();
    };
    const timer = Number.isFinite(durationMs) ? setTimeout(stop, durationMs) : undefined;
    options.signal?.addEventListener("abort", stop);
    if (options.signal?.aborted) stop();
    cap.on("packet", (nbytes, trunc) => {
      if (done) return;
      // This runs inside the addon's native callback: an exception escaping it would be
      // uncaught, with the capture left open and this promise pending.
      try {
        packets++;
        if (trunc) truncated++;
        pkt.index = packets;
        pkt.offset = 0;
        pkt.caplen = nbytes;
        pkt.origLen = trunc ? nbytes + 1 : nbytes;
        pkt.tsUs = Date.now() * 1000;
        session.feed(pkt);
        options.onPacket?.(packets);
      } catch (e) {
        failed = true;
        failure = e;
        stop();
        return;
      }
      if (options.count && packets >= options.count) stop();
    });
  });
  const dropsAfter = await rxDropped(options.iface);
  const kernelDrops = dropsBefore !== null && dropsAfter !== null ? Math.max(0, dropsAfter - dropsBefore) : null;
  const notes = [
    `live capture of ${packets} packets in ${((Date.now() - started) / 1000).toFixed(1)} s${options.filter ? ` with filter "${options.filter}"` : ""}; interface rx_dropped rose by ${kernelDrops ?? "an unknown number"} during the capture`,
    "live packets are stamped when handled (the cap addon does not pass libpcap timestamps)",
  ];
  if (truncated) notes.push(`${truncated} frames were longer than the 64 KiB capture buffer and were cut`);
  let error: NetreportError | null = null;
  if (failed) {
    const message = `capture stopped by an error in packet ${packets}: ${failure instanceof Error ? failure.message : String(failure)}`;
    const hint = "the packets before it are analysed; an error inside netreport itself is a bug worth reporting with the capture";
    error = isNetreportError(failure) ? failure : new NetreportError("ECAPTURE", message, { where: options.iface, hint, cause: failure });
  }
  session.endSource(`live (${linkName})`, error, notes);
  return { packets, truncated, kernelDrops, durationMs: Date.now() - started, linkType, error };
}
