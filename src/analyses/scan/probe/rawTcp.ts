/**
 * A faster connect probe on libuv's TCP handle (`process.binding("tcp_wrap")`, what `net.Socket`
 * itself is built on), used when the running Node provides it; `tcpConnect` (tcp.ts) otherwise.
 *
 * Why: a refused connect through `net.Socket` builds a stream, an Error with a captured stack
 * (source-mapped under tsx) and emits events — measured in a 65,535-port loopback scan, about
 * 40 % of the time besides the connect() and close() system calls. The raw handle reports a
 * status number and nothing else. Open ports with a banner wanted are handed to a `net.Socket`
 * (which accepts an existing handle) to read from.
 *
 *   TCP handle ─connect/connect6─▶ oncomplete(status)
 *     status 0   → self-connection? → retry code : banner? → net.Socket reads : reset (RST)
 *     status < 0 → errno name (ECONNREFUSED, EHOSTUNREACH, …) ─┐
 *     deadline   → close (the pending connect is cancelled)  ─┴▶ ProbeOutcome
 */
import { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { getSystemErrorName } from "node:util";
import type { ProbeOutcome } from "./classify.js";
import { after, cancel, type Deadline } from "./deadlines.js";
import { readBanner, type ConnectEffect } from "./tcp.js";

interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  getsockname(out: Record<string, unknown>): number;
  getpeername(out: Record<string, unknown>): number;
  reset?(cb: () => void): number;
  close(cb?: () => void): void;
}
interface ConnectReq {
  oncomplete: (status: number) => void;
}
interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

function loadTcpWrap(): TcpWrap | null {
  try {
    const b = (process as unknown as { binding(name: string): TcpWrap }).binding("tcp_wrap");
    if (typeof b?.TCP !== "function" || typeof b.TCPConnectWrap !== "function" || typeof b.constants?.SOCKET !== "number") return null;
    return b;
  } catch {
    return null;
  }
}

const wrap = loadTcpWrap();

function errnoName(status: number): string {
  try {
    return getSystemErrorName(status);
  } catch {
    return `E${-status}`;
  }
}

/** The raw-handle connect probe, or `null` when this Node does not expose `tcp_wrap`. */
export const rawTcpConnect: ConnectEffect | null = wrap
  ? (req) =>
      new Promise<ProbeOutcome>((resolve) => {
        const started = performance.now();
        const handle = new wrap.TCP(wrap.constants.SOCKET);
        const creq = new wrap.TCPConnectWrap();
        let done = false;
        const end = (o: ProbeOutcome, how: "close" | "reset" | "keep") => {
          if (done) return;
          done = true;
          cancel(deadline);
          if (how === "reset" && typeof handle.reset === "function") handle.reset(() => {});
          else if (how !== "keep") handle.close();
          resolve(o);
        };
        const deadline: Deadline = after(req.timeoutMs, () => end({ kind: "timeout", code: null, rttMs: performance.now() - started, banner: null }, "close"));
        creq.oncomplete = (status: number) => {
          if (done) return;
          const rttMs = performance.now() - started;
          if (status < 0) return end({ kind: "error", code: errnoName(status), rttMs, banner: null }, "close");
          // A loopback connect that picked the target port as its source port connected to itself.
          const local: Record<string, unknown> = {};
          const peer: Record<string, unknown> = {};
          handle.getsockname(local);
          handle.getpeername(peer);
          if (local.port === peer.port && local.address === peer.address) return end({ kind: "error", code: "ESELFCONNECT", rttMs, banner: null }, "close");
          if (req.bannerMs <= 0) return end({ kind: "connected", code: null, rttMs, banner: null }, "reset");
          cancel(deadline);
          done = true;
          // net.Socket takes an existing handle (an undocumented option, used by Node's own cluster code).
          const socket = new Socket({ handle, readable: true, writable: true } as unknown as ConstructorParameters<typeof Socket>[0]);
          readBanner(socket, req.bannerMs, req.bannerBytes).then((banner) => resolve({ kind: "connected", code: null, rttMs, banner }));
        };
        const err = req.family === 6 ? handle.connect6(creq, req.address, req.port) : handle.connect(creq, req.address, req.port);
        if (err) end({ kind: "error", code: errnoName(err), rttMs: performance.now() - started, banner: null }, "close");
      })
  : null;

