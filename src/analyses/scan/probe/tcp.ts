/**
 * The world-touching part of the connect scan: one TCP connect() per probe with Node's net
 * module, an optional short wait for a banner, and the process's open-file limit.
 *
 * A socket that connected is closed with a reset (SO_LINGER 0, as nmap does) so 65,535-port
 * scans do not fill the ephemeral port range with TIME_WAIT sockets.
 */
import { Socket } from "node:net";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { ProbeOutcome } from "./classify.js";
import { after, cancel, type Deadline } from "./deadlines.js";

/** One connect probe. */
export interface ProbeRequest {
  address: string;
  family: 4 | 6;
  port: number;
  /** Give up after this many ms (then the outcome is `timeout`). */
  timeoutMs: number;
  /** After connecting, wait up to this many ms for the service's first bytes. 0: do not wait. */
  bannerMs: number;
  /** Keep at most this many banner bytes. */
  bannerBytes: number;
}

/** Probes one port; never rejects. */
export type ConnectEffect = (req: ProbeRequest) => Promise<ProbeOutcome>;

/** The real {@link ConnectEffect} on Node sockets. */
export const tcpConnect: ConnectEffect = (req) =>
  new Promise<ProbeOutcome>((resolve) => {
    const started = performance.now();
    const socket = new Socket();
    let done = false;
    let rttMs = 0;
    let timer: Deadline | null = null;
    const finish = (o: Omit<ProbeOutcome, "rttMs"> & { rttMs?: number }) => {
      if (done) return;
      done = true;
      cancel(timer);
      resetSocket(socket);
      resolve({ ...o, rttMs: o.rttMs ?? performance.now() - started });
    };
    timer = after(req.timeoutMs, () => finish({ kind: "timeout", code: null, banner: null }));
    socket.once("error", (e: NodeJS.ErrnoException) => finish({ kind: "error", code: e.code ?? "UNKNOWN", banner: null }));
    socket.once("connect", () => {
      rttMs = performance.now() - started;
      // A connection to itself is no service: retried (classify reads the code as local) from
      // another source port, which then finds the port's real state.
      if (isSelfConnection(socket)) return finish({ kind: "error", code: "ESELFCONNECT", banner: null, rttMs });
      if (req.bannerMs <= 0) return finish({ kind: "connected", code: null, banner: null, rttMs });
      // The banner wait replaces the connect timeout; readBanner resets the connection after it.
      done = true;
      cancel(timer);
      socket.removeAllListeners("error");
      void readBanner(socket, req.bannerMs, req.bannerBytes).then((banner) => resolve({ kind: "connected", code: null, banner, rttMs }));
    });
    socket.connect({ host: req.address, port: req.port, family: req.family });
  });

/** Ends a probe's socket: a RST for an open connection (no TIME_WAIT left behind), its events ignored from now on. */
function resetSocket(socket: Socket): void {
  socket.removeAllListeners();
  socket.on("error", () => {});
  if (socket.readyState === "open") socket.resetAndDestroy();
  else socket.destroy();
}

/** Reads up to `bytes` the peer sends within `ms` (or until it closes), then resets the connection. */
export function readBanner(socket: Socket, ms: number, bytes: number): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const stop = () => {
      if (finished) return;
      finished = true;
      cancel(timer);
      resetSocket(socket);
      resolve(size ? Buffer.concat(chunks).subarray(0, bytes) : null);
    };
    const timer = after(ms, stop);
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      if (size >= bytes) stop();
    });
    socket.once("end", stop);
    socket.once("error", stop);
    socket.once("close", stop);
  });
}

/**
 * True when a socket connected to itself: on loopback, a connect() to a port nobody listens on
 * can pick that same port as its ephemeral source port, and TCP's simultaneous open then
 * "succeeds". In a 65,535-port scan of 127.0.0.1 this happens a few times per run.
 */
export function isSelfConnection(s: { localAddress?: string | undefined; localPort?: number | undefined; remoteAddress?: string | undefined; remotePort?: number | undefined }): boolean {
  return s.localPort !== undefined && s.localPort === s.remotePort && s.localAddress !== undefined && s.localAddress === s.remoteAddress;
}

/**
 * The soft limit on open files of this process (`ulimit -n`), read from /proc/self/limits;
 * `fallback` when it cannot be read or is unlimited.
 */
export function openFileLimit(fallback = 1024): number {
  try {
    // /proc/self/limits: "Max open files            1024                 1048576              files"
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    const n = Number(m?.[1]);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  } catch {
    return fallback;
  }
}
