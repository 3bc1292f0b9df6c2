/**
 * Runs inside a fresh network namespace (`ip netns exec nrl-…`), where only its own sockets
 * exist: opens known sockets, lists them with `ss` and with readSockets, then samples interface
 * traffic while a loopback load runs, and prints everything as JSON.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { createSocket } from "node:dgram";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readSockets } from "../../../../src/analyses/sessions/read.js";
import { sampleTraffic } from "../../../../src/analyses/traffic/sample.js";
import { startLoopbackLoad } from "../../../../src/analyses/traffic/loopbackLoad.js";

const listen = (host: string, port = 0) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer(() => undefined);
    s.once("error", reject).listen(port, host, () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

const v4 = await listen("127.0.0.1");
const v6 = await listen("::1");
const risky = await listen("0.0.0.0", 6379);
const udp = createSocket("udp4");
await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
const udpPeer = createSocket("udp4");
await new Promise<void>((r) => udpPeer.connect(udp.address().port, "127.0.0.1", r));
const client: Socket = await new Promise((resolve) => {
  const c: Socket = connect(portOf(v4), "127.0.0.1", () => resolve(c));
});
await new Promise((r) => setTimeout(r, 100));

const ss = execFileSync("ss", ["-Htuan"], { encoding: "utf8" });
const sockets = await readSockets();

const load = await startLoopbackLoad({ connections: 2, responseBytes: 32 * 1024 });
const requestsBefore = load.requests();
const traffic = await sampleTraffic({ durationMs: 1500, intervalMs: 250, interfaces: ["lo"] });
const requestsAfter = load.requests();
await load.stop();

const ac = new AbortController();
setTimeout(() => ac.abort(), 300);
const aborted = await sampleTraffic({ durationMs: 30_000, intervalMs: 100, signal: ac.signal });

process.stdout.write(
  JSON.stringify({
    pid: process.pid,
    comm: readFileSync("/proc/self/comm", "utf8").trim(),
    ports: { v4: portOf(v4), v6: portOf(v6), udp: udp.address().port, client: client.localPort, udpPeer: udpPeer.address().port },
    ss,
    sockets,
    traffic,
    requestsBefore,
    requestsAfter,
    aborted: { warnings: aborted.traffic.warnings, rows: aborted.traffic.rows.length, finishedMs: Date.parse(aborted.traffic.provenance.finishedAt) - Date.parse(aborted.traffic.provenance.startedAt) },
  }),
);
client.destroy();
udp.close();
udpPeer.close();
for (const s of [v4, v6, risky]) s.close();
