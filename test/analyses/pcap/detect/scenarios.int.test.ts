/**
 * Detector scenarios made of real traffic: node scripts run inside an `nrp-` namespace, tcpdump
 * records its loopback, and the analysis must find exactly what the traffic shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analysePcap } from "../../../../src/analyses/pcap/analyse.js";
import { canNetns, createNetns, deleteNetns, recordScenario } from "../netns.js";

const NS = `nrp-pcap-${process.pid}`;
const A = { server: "198.18.16.1", client: "198.18.16.2", victim: "198.18.16.3", dns: "198.18.16.53", spoof: "198.18.16.7", other: "198.18.16.8" };
let dir: string;

if (!canNetns) console.warn("pcap detector scenarios need root, ip netns and tcpdump: skipped");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-pcap-scn-"));
  if (canNetns) createNetns(NS, Object.values(A));
});
afterAll(() => {
  if (canNetns) deleteNetns(NS);
  rmSync(dir, { recursive: true, force: true });
});

const httpScript = (paths: string[]) => `
import http from "node:http";
const server = http.createServer((req, res) => { res.setHeader("content-type", "application/octet-stream"); res.end("x".repeat(2000)); });
await new Promise((r) => server.listen(8080, "${A.server}", r));
const get = (path) => new Promise((resolve, reject) => {
  http.get({ host: "${A.server}", port: 8080, path, localAddress: "${A.client}", agent: false, headers: { host: "tools.example.test" } }, (res) => { res.resume(); res.on("end", resolve); }).on("error", reject);
});
for (const p of ${JSON.stringify(paths)}) await get(p);
server.close();
`;

const IRC = `
import net from "node:net";
const lines = [];
const server = net.createServer((s) => {
  s.setEncoding("utf8");
  s.on("data", (d) => { lines.push(d); });
  s.write(":irc.test 001 node7 :Welcome\\r\\n");
  setTimeout(() => s.write(":op!op@${A.server} PRIVMSG #loic :!lazor targetip=${A.victim} message=test port=80 start\\r\\n"), 50);
  setTimeout(() => s.end(), 300);
});
await new Promise((r) => server.listen(6667, "${A.server}", r));
const c = net.connect({ host: "${A.server}", port: 6667, localAddress: "${A.client}" });
await new Promise((r) => c.on("connect", r));
c.resume();
c.write("NICK node7\\r\\nUSER node7 0 * :node\\r\\nJOIN #loic\\r\\n");
setTimeout(() => c.write("PRIVMSG #loic :!LAZOR targetip=${A.victim} start\\r\\n"), 100);
await new Promise((r) => c.on("end", r));
c.end();
server.close();
`;

const FLOOD = `
import dgram from "node:dgram";
// A listener on the victim keeps the kernel from answering with ICMP port unreachable.
const sink = dgram.createSocket("udp4");
await new Promise((r) => sink.bind(80, "${A.victim}", r));
const s = dgram.createSocket("udp4");
await new Promise((r) => s.bind(0, "${A.client}", r));
const payload = Buffer.alloc(32, 1);
for (let i = 0; i < 1500; i++) {
  await new Promise((r, j) => s.send(payload, 80, "${A.victim}", (e) => (e ? j(e) : r())));
}
s.close();
sink.close();
`;

// A DNS responder: flux.test gets 15 A records with TTL 60; every *.nx.test name gets NXDOMAIN.
const DNS = `
import dgram from "node:dgram";
function name(buf, off) { const labels = []; while (buf[off]) { labels.push(buf.toString("latin1", off + 1, off + 1 + buf[off])); off += 1 + buf[off]; } return [labels.join("."), off + 1]; }
function qname(n) { return Buffer.concat([...n.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]); }
const server = dgram.createSocket("udp4");
server.on("message", (msg, rinfo) => {
  const [q, end] = name(msg, 12);
  const question = msg.subarray(12, end + 4);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0);
  const answers = [];
  if (q === "flux.test") {
    for (let i = 0; i < 15; i++) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(1, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(60, 6); rr.writeUInt16BE(4, 10);
      rr.set([198, 18, 17, 10 + i], 12);
      answers.push(rr);
    }
  }
  header.writeUInt16BE(0x8180 | (answers.length ? 0 : 3), 2);
  header.writeUInt16BE(1, 4); header.writeUInt16BE(answers.length, 6);
  server.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
});
await new Promise((r) => server.bind(53, "${A.dns}", r));
const client = dgram.createSocket("udp4");
await new Promise((r) => client.bind(0, "${A.client}", r));
const names = ["flux.test", "flux.test", ...Array.from({ length: 12 }, (_, i) => "q" + i + "zx" + (i * 7919).toString(36) + ".nx.test")];
let id = 1;
for (const n of names) {
  const h = Buffer.alloc(12); h.writeUInt16BE(id++, 0); h.writeUInt16BE(0x0100, 2); h.writeUInt16BE(1, 4);
  const q = Buffer.concat([h, qname(n), Buffer.from([0, 1, 0, 1])]);
  await new Promise((resolve) => { client.once("message", resolve); client.send(q, 53, "${A.dns}"); });
}
client.close(); server.close();
`;

// One address sends with three initial TTLs (64, 128 and 40); another always with 64.
const TTL = `
import dgram from "node:dgram";
const send = async (from, ttl, n) => {
  const s = dgram.createSocket("udp4");
  await new Promise((r) => s.bind(0, from, r));
  s.setTTL(ttl);
  for (let i = 0; i < n; i++) await new Promise((r) => s.send(Buffer.from("probe"), 33434 + i, "${A.victim}", r));
  s.close();
};
await send("${A.spoof}", 64, 3);
await send("${A.spoof}", 128, 3);
await send("${A.spoof}", 40, 3);
await send("${A.other}", 64, 5);
`;

describe.skipIf(!canNetns)("detector scenarios on real traffic", () => {
  it("LOIC download: who fetched /tools/LOIC.zip", async () => {
    const { pcap } = await recordScenario(NS, dir, "loic", httpScript(["/index.html", "/tools/LOIC.zip", "/about"]), "tcp port 8080");
    const r = await analysePcap([pcap]);
    const loic = r.findings.filter((f) => f.rule === "pcap.loic-download");
    expect(loic).toHaveLength(1);
    expect(loic[0]!.title).toBe(`${A.client} downloaded LOIC`);
    expect(loic[0]!.evidence[0]!.data?.uri).toBe("/tools/LOIC.zip");
    expect(loic[0]!.evidence[0]!.addresses).toEqual([A.client, A.server]);
    const http = r.datasets.find((d) => d.kind === "pcapHttp")!;
    expect(http.rows.map((x: { uri: string }) => x.uri)).toEqual(["/index.html", "/tools/LOIC.zip", "/about"]);
    // The finding's packet number points at the GET in the capture.
    expect(http.rows[1].packet).toBe(loic[0]!.evidence[0]!.packets![0]);
  });

  it("IRC hivemind: !lazor issued by the client and received by it", async () => {
    const { pcap } = await recordScenario(NS, dir, "irc", IRC, "tcp port 6667");
    const r = await analysePcap([pcap]);
    const issued = r.findings.find((f) => f.rule === "pcap.irc-hivemind-issued");
    const received = r.findings.find((f) => f.rule === "pcap.irc-hivemind-received");
    expect(issued?.evidence[0]?.data?.command).toBe(`PRIVMSG #loic :!LAZOR targetip=${A.victim} start`);
    expect(received?.evidence[0]?.data?.command).toBe(`:op!op@${A.server} PRIVMSG #loic :!lazor targetip=${A.victim} message=test port=80 start`);
    expect(issued?.title).toContain(A.client);
    expect(received?.title).toContain(A.client);
    // On another port the same lines are not IRC.
    const other = await analysePcap([pcap], { thresholds: { ircPort: 7000 } });
    expect(other.findings.filter((f) => f.rule.startsWith("pcap.irc"))).toEqual([]);
  });

  it("flood: 1,500 UDP datagrams to port 80 cross the 1,000-packet threshold", async () => {
    const { pcap } = await recordScenario(NS, dir, "flood", FLOOD, `udp and dst port 80`);
    const r = await analysePcap([pcap]);
    expect(r.totals.packets).toBe(1500);
    const f = r.findings.filter((x) => x.rule === "pcap.ddos");
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toBe(`Flood against ${A.victim}:80`);
    expect(f[0]!.evidence[0]!.description).toMatch(new RegExp(`^${A.client.replace(/\./g, "\\.")} sent 1500 UDP packets`));
    // Above the threshold nothing fires.
    const quiet = await analysePcap([pcap], { thresholds: { ddosPackets: 2000, ddosWindowPackets: 2000 } });
    expect(quiet.findings.filter((x) => x.rule === "pcap.ddos")).toEqual([]);
  });

  it("DNS: fast-flux name and domain-flux client from a real responder", async () => {
    const { pcap } = await recordScenario(NS, dir, "dns", DNS, "udp port 53");
    const r = await analysePcap([pcap]);
    const flux = r.findings.find((f) => f.rule === "pcap.fast-flux");
    expect(flux?.title).toBe("Fast-flux name flux.test");
    expect(flux?.evidence[0]?.data?.distinctAddresses).toBe(15);
    expect(flux?.evidence[0]?.data?.maxTtl).toBe(60);
    const nx = r.findings.find((f) => f.rule === "pcap.domain-flux");
    expect(nx?.title).toBe(`${A.client} received 12 NXDOMAIN answers`);
    const dns = r.datasets.find((d) => d.kind === "pcapDns")!;
    const fluxRow = dns.rows.find((x: { name: string }) => x.name === "flux.test");
    expect(fluxRow).toMatchObject({ type: "A", queries: 2, responses: 2, answers: 15, minTtl: 60, maxTtl: 60 });
    expect(dns.rows.filter((x: { nxdomain: number }) => x.nxdomain === 1)).toHaveLength(12);
  });

  it("TTL anomaly: one address sending with three initial TTLs, not the consistent one", async () => {
    const { pcap } = await recordScenario(NS, dir, "ttl", TTL, "udp");
    const r = await analysePcap([pcap]);
    const ttl = r.findings.filter((f) => f.rule === "pcap.ttl-anomaly");
    expect(ttl.map((f) => f.title)).toEqual([`Inconsistent TTLs from ${A.spoof}`]);
    expect(ttl[0]!.evidence.map((e) => e.data?.ttl).sort()).toEqual([128, 40, 64]);
  });

  it("clean traffic gives no finding", async () => {
    const clean = httpScript(["/index.html", "/docs/manual.pdf", "/about"]);
    const { pcap } = await recordScenario(NS, dir, "clean", clean, "tcp port 8080");
    const r = await analysePcap([pcap]);
    expect(r.totals.packets).toBeGreaterThan(20);
    expect(r.datasets.find((d) => d.kind === "pcapHttp")!.rows).toHaveLength(3);
    expect(r.findings.map((f) => f.title)).toEqual([]);
  });
});
