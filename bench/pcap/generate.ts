/**
 * Makes the benchmark captures: a node HTTP server under keep-alive load from eight client
 * addresses inside an `nrp-` namespace (198.18.16.80-88 on its loopback, no route anywhere else),
 * recorded by tcpdump until it has `packets` frames. The server closes every 50th response's connection, so the capture holds
 * thousands of TCP streams (handshakes, FINs, new client ports), not 64 endless ones.
 *
 *   1. namespace with lo up and 198.18.16.80-88/32
 *   2. server, then tcpdump -c packets (waits for "listening on")
 *   3. 64 concurrent keep-alive clients until tcpdump has its count (deadline: `timeoutMs`)
 *   4. kill clients and server, delete the namespace
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const ADDR = "198.18.16.80";

const SERVER = `
import http from "node:http";
const body = Buffer.from("ok ".repeat(40));
const served = new WeakMap();
http.createServer((req, res) => {
  const n = (served.get(req.socket) ?? 0) + 1;
  served.set(req.socket, n);
  res.setHeader("content-type", "text/plain");
  if (n % 50 === 0) res.setHeader("connection", "close");
  res.end(body);
}).listen(80, "${ADDR}", () => console.log("ready"));
`;

/** Client addresses: eight hosts, eight keep-alive sockets each. */
const CLIENTS = Array.from({ length: 8 }, (_, i) => `198.18.16.${81 + i}`);

const CLIENT = `
import http from "node:http";
const agents = ${JSON.stringify(CLIENTS)}.map((localAddress) => ({ localAddress, agent: new http.Agent({ keepAlive: true, maxSockets: 8 }) }));
const paths = ["/", "/index.html", "/api/items?page=2", "/static/app.js", "/img/logo.png"];
let i = 0;
function one(k) {
  const { localAddress, agent } = agents[k % agents.length];
  const req = http.get({ host: "${ADDR}", port: 80, localAddress, path: paths[i++ % paths.length], agent, headers: { "user-agent": "nrp-bench" } }, (res) => { res.resume(); res.on("end", () => one(k)); });
  req.on("error", () => setTimeout(() => one(k), 10));
}
for (let k = 0; k < 64; k++) one(k);
`;

/** Resolves when `child` writes `text` to the stream, rejects after `ms` or when it exits first. */
function waitFor(child: ChildProcess, stream: "stdout" | "stderr", text: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms: ${seen}`)), ms);
    child[stream]!.on("data", (b: Buffer) => {
      seen += b.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.once("exit", () => {
      clearTimeout(timer);
      reject(new Error(`exited before "${text}": ${seen}`));
    });
  });
}

/**
 * Records `packets` frames of loopback HTTP traffic into `dir/name.pcap` (snap length 256) and
 * returns the path. Fails after `timeoutMs` (default 10 min) rather than wait for ever.
 */
export async function generateHttpCapture(dir: string, packets: number, name = "http", timeoutMs = 600_000): Promise<string> {
  const ns = `nrp-pcap-bench-${process.pid}`;
  const pcap = join(dir, `${name}.pcap`);
  writeFileSync(join(dir, "server.mjs"), SERVER);
  writeFileSync(join(dir, "client.mjs"), CLIENT);
  // 1. Namespace.
  spawnSync("ip", ["netns", "del", ns]);
  execFileSync("ip", ["netns", "add", ns]);
  const children: ChildProcess[] = [];
  try {
    execFileSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
    for (const a of [ADDR, ...CLIENTS]) execFileSync("ip", ["-n", ns, "addr", "add", `${a}/32`, "dev", "lo"]);
    // 2. Server and recorder.
    const server = spawn("ip", ["netns", "exec", ns, process.execPath, join(dir, "server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(server);
    await waitFor(server, "stdout", "ready", 10_000);
    const dump = spawn("ip", ["netns", "exec", ns, "tcpdump", "-i", "lo", "-n", "-s", "256", "-B", "65536", "-c", String(packets), "-w", pcap, "tcp port 80"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(dump);
    let err = "";
    dump.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    const closed = new Promise((r) => dump.once("close", r));
    await waitFor(dump, "stderr", "listening on", 10_000);
    // 3. Load until tcpdump has its count.
    children.push(spawn("ip", ["netns", "exec", ns, process.execPath, join(dir, "client.mjs")], { stdio: "ignore" }));
    const deadline = setTimeout(() => dump.kill("SIGINT"), timeoutMs);
    await closed;
    clearTimeout(deadline);
    const got = Number(/(\d+) packets? captured/.exec(err)?.[1] ?? NaN);
    if (!(got >= packets)) throw new Error(`tcpdump recorded ${got} of ${packets} frames: ${err}`);
    return pcap;
  } finally {
    // 4. Clean up.
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", ns]);
  }
}
