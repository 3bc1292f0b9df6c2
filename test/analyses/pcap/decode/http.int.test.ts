/**
 * HTTP request sniffing against tshark on real traffic: a node server in an `nrp-` namespace gets
 * every method, header names in odd cases, a Host with a port, long and encoded targets, HTTP/1.0,
 * a request whose headers arrive in a second segment, and port-80 traffic that is not HTTP. Frame
 * by frame, netreport sees a request exactly where tshark dissects one, with the same method,
 * target and Host.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { parseHttpRequest } from "../../../../src/analyses/pcap/decode/app.js";
import { canNetns, createNetns, deleteNetns, recordScenario } from "../netns.js";

const NS = `nrp-http-${process.pid}`;
const S = "198.18.16.70";
const C = "198.18.16.71";
const hasTshark = spawnSync("tshark", ["-v"]).status === 0;
let dir: string;

// Raw requests written on their own connections, so each is one segment unless split on purpose.
const RAW = [
  "GET /tools/LOIC.zip HTTP/1.1\r\nHost: tools.example.test\r\nUser-Agent: Wget/1.21\r\n\r\n",
  "POST /api/v1/items?x=1&y=%20z HTTP/1.1\r\nhOsT: 198.18.16.70:80\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
  "HEAD / HTTP/1.0\r\n\r\n",
  "PUT /a/b HTTP/1.1\r\nX-Long: " + "v".repeat(3000) + "\r\nHOST: upper.example.test\r\n\r\n",
  "DELETE /item/7 HTTP/1.1\r\nHost: del.example.test\r\n\r\n",
  "OPTIONS * HTTP/1.1\r\nHost: opt.example.test\r\n\r\n",
  "PATCH /p HTTP/1.1\r\nHost:nospace.example.test\r\n\r\n",
  "GET /" + "x".repeat(1500) + "?q=" + "%41".repeat(200) + " HTTP/1.1\r\nHost: long.example.test\r\n\r\n",
  "GETX / HTTP/1.1\r\nHost: not-a-method.example.test\r\n\r\n",
  "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 not http at all, TLS-like bytes on port 80",
];

const SCRIPT = `
import net from "node:net";
const server = net.createServer((s) => { s.on("data", () => {}); s.on("end", () => s.end()); });
await new Promise((r) => server.listen(80, "${S}", r));
const send = (parts) => new Promise((resolve) => {
  const c = net.connect({ host: "${S}", port: 80, localAddress: "${C}", noDelay: true }, async () => {
    for (const p of parts) { c.write(Buffer.from(p, "latin1")); await new Promise((r) => setTimeout(r, 30)); }
    c.end();
  });
  c.resume();
  c.on("close", resolve);
});
for (const r of ${JSON.stringify(RAW)}) await send([r]);
// Request line in one segment, headers in the next: tshark reassembles, netreport sees the line alone.
await send(["GET /split HTTP/1.1\\r\\nHo", "st: split.example.test\\r\\n\\r\\n"]);
server.close();
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-http-"));
  if (canNetns) createNetns(NS, [S, C]);
});
afterAll(() => {
  if (canNetns) deleteNetns(NS);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canNetns || !hasTshark)("HTTP requests on real traffic", () => {
  it("are found in the frames tshark finds them in, with the same method, target and Host", async () => {
    const { pcap } = await recordScenario(NS, dir, "http", SCRIPT, "tcp port 80");
    const addrs = newAddressTable();
    const d = newDecoded();
    const ours = new Map<number, string>();
    await readCapture(pcap, (pkt) => {
      decodeFrame(pkt, addrs, d);
      if (d.proto !== 6 || d.payloadLength === 0) return;
      const r = parseHttpRequest(pkt.buf, d.payloadOffset, d.payloadLength);
      if (r) ours.set(pkt.index, `${r.method} ${r.uri} ${r.host ?? "-"}`);
    });
    const out = execFileSync("tshark", ["-n", "-r", pcap, "-Y", "http.request", "-T", "fields", "-E", "occurrence=f", "-e", "frame.number", "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.host"], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] });
    const theirs = new Map(out.trimEnd().split("\n").map((l) => {
      const [n, m, u, h] = l.split("\t");
      return [Number(n), `${m} ${u} ${h || "-"}`] as const;
    }));
    // The split request: tshark reports it on the reassembling (second) frame; netreport on the
    // first, with no Host. Every other request is in the same frame for both.
    const splitOurs = [...ours].find(([, v]) => v.startsWith("GET /split "));
    const splitTheirs = [...theirs].find(([, v]) => v.startsWith("GET /split "));
    expect(splitOurs?.[1]).toBe("GET /split -");
    expect(splitTheirs?.[1]).toBe("GET /split split.example.test");
    expect(splitTheirs![0]).toBeGreaterThan(splitOurs![0]);
    ours.delete(splitOurs![0]);
    theirs.delete(splitTheirs![0]);
    expect([...ours].sort((a, b) => a[0] - b[0])).toEqual([...theirs].sort((a, b) => a[0] - b[0]));
    expect(ours.size).toBe(8);
    expect([...ours.values()]).toContain("POST /api/v1/items?x=1&y=%20z 198.18.16.70:80");
    expect([...ours.values()]).toContain("PUT /a/b upper.example.test");
  });
});
