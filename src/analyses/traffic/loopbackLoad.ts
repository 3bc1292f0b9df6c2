/**
 * A known, bounded load on loopback: an HTTP server on 127.0.0.1 (ephemeral port) and a client
 * that fetches from it over a few kept-alive connections until stopped. The demo runs it so that
 * a report sampled on an idle machine still shows traffic, connections and a graph; the report
 * says so. Nothing leaves this machine.
 */
import { createServer, Agent, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Options of {@link startLoopbackLoad}. */
export interface LoopbackLoadOptions {
  /** Bytes per response. Default 64 KiB. */
  responseBytes?: number;
  /** Parallel kept-alive connections. Default 3. */
  connections?: number;
  /** Pause between a connection's requests, ms. Default 20. */
  pauseMs?: number;
  /** Stops by itself after this long, ms. Default 60 000. */
  maxMs?: number;
}

/** A running load. */
export interface LoopbackLoad {
  /** The server's port on 127.0.0.1. */
  port: number;
  /** Requests answered so far. */
  requests(): number;
  /** Stops the client, closes the connections and the server. */
  stop(): Promise<void>;
}

/** Starts the load; resolves once every connection has completed its first request. */
export async function startLoopbackLoad(options: LoopbackLoadOptions = {}): Promise<LoopbackLoad> {
  const body = Buffer.alloc(options.responseBytes ?? 64 * 1024, 0x61);
  const pauseMs = options.pauseMs ?? 20;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 3 });
  let stopped = false;
  let answered = 0;
  const fetchOnce = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => {
          answered++;
          resolve();
        });
        res.on("error", () => resolve());
      });
      req.on("error", () => resolve());
      req.end();
    });
  const loop = async () => {
    while (!stopped) {
      await fetchOnce();
      if (!stopped) await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const n = options.connections ?? 3;
  await Promise.all(Array.from({ length: n }, fetchOnce));
  const loops = Array.from({ length: n }, loop);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    await Promise.all(loops);
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const timer = setTimeout(() => void stop(), options.maxMs ?? 60_000);
  timer.unref();
  return { port, requests: () => answered, stop };
}
