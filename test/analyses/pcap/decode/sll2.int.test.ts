/**
 * Linux cooked capture v2 (SLL2, link type 276) has no file in the shared corpus, so this test
 * makes one: tcpdump records the `any` device of an `nrp-` namespace with `-y LINUX_SLL2` while a
 * node script sends UDP and TCP over IPv4 and UDP over IPv6 on its loopback. Every frame must
 * decode to the addresses and ports tshark reads from the same file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { LinkType } from "../../../../src/analyses/pcap/decode/link.js";
import { checkNoDrops, startTcpdump } from "../../../helpers/tcpdump.js";
import { canNetns, createNetns, deleteNetns } from "../netns.js";

const NS = `nrp-sll2-${process.pid}`;
const A = "198.18.16.60";
const B = "198.18.16.61";
const hasTshark = spawnSync("tshark", ["-v"]).status === 0;
let dir: string;

const SCRIPT = `
import dgram from "node:dgram";
import net from "node:net";
const send = (type, host, port, msg) => new Promise((resolve) => {
  const s = dgram.createSocket(type);
  s.bind(0, host, () => s.send(msg, port, host, () => { s.close(); resolve(); }));
});
const server = net.createServer((c) => c.end("pong\\\\n"));
await new Promise((r) => server.listen(7001, "${B}", r));
const c = net.connect({ host: "${B}", port: 7001, localAddress: "${A}" });
c.write("ping\\\\n");
c.resume();
await new Promise((r) => c.on("close", r));
server.close();
await send("udp4", "${A}", 5353, "v4 datagram");
await send("udp6", "::1", 5354, "v6 datagram");
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-sll2-"));
  if (canNetns) createNetns(NS, [A, B]);
});
afterAll(() => {
  if (canNetns) deleteNetns(NS);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canNetns || !hasTshark)("SLL2 frames recorded by tcpdump -i any -y LINUX_SLL2", () => {
  it("decode to tshark's addresses and ports", async () => {
    const pcap = join(dir, "sll2.pcap");
    writeFileSync(join(dir, "gen.mjs"), SCRIPT);
    // A small snap length and a large buffer, as the other recordings have: in immediate mode
    // each slot of tcpdump's ring is sized for the snap length, and on `any` (no MTU to go by)
    // the default 256 KiB left 8 slots in 2 MiB, so a busy machine lost the burst's last frames.
    const dump = await startTcpdump(NS, ["-i", "any", "-y", "LINUX_SLL2", "--immediate-mode", "-B", "16384", "-s", "2048", "-U", "-n", "-w", pcap]);
    const gen = spawnSync("ip", ["netns", "exec", NS, process.execPath, join(dir, "gen.mjs")], { encoding: "utf8", timeout: 30_000 });
    const err = await dump.stop();
    checkNoDrops(err, "the SLL2 recording");
    expect(gen.stderr).toBe("");
    expect(gen.status).toBe(0);

    const addrs = newAddressTable();
    const d = newDecoded();
    const ours: string[] = [];
    const linkTypes = new Set<number>();
    await readCapture(pcap, (pkt) => {
      linkTypes.add(pkt.linkType);
      decodeFrame(pkt, addrs, d);
      ours.push(d.ipVersion ? `${addrs.text(d.src)} ${addrs.text(d.dst)} ${d.proto} ${d.sport} ${d.dport}` : "-");
    });
    expect([...linkTypes], err).toEqual([LinkType.sll2]);

    const fields = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport"];
    const out = execFileSync("tshark", ["-n", "-r", pcap, "-T", "fields", "-E", "occurrence=f", ...fields.flatMap((f) => ["-e", f])], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const theirs = out.trimEnd().split("\n").map((l) => {
      const [s4, d4, s6, d6, p4, p6, ts, td, us, ud] = l.split("\t");
      const proto = p4 || p6;
      // ICMP errors quote the offending datagram: tshark's first port fields are the quoted ones.
      const icmp = proto === "1" || proto === "58";
      return s4 || s6 ? `${s4 || s6} ${d4 || d6} ${proto} ${icmp ? -1 : ts || us || -1} ${icmp ? -1 : td || ud || -1}` : "-";
    });
    expect(ours).toEqual(theirs);
    // The TCP exchange, the IPv4 datagram and the IPv6 datagram are all there.
    expect(ours.filter((l) => l.startsWith(`${A} ${B} 6 `)).length).toBeGreaterThanOrEqual(2); // SYN, data
    expect(ours.filter((l) => l.startsWith(`${B} ${A} 6 `)).length).toBeGreaterThanOrEqual(2); // SYN-ACK, data
    expect(ours).toContain(`${A} ${A} 17 ${ours.find((l) => l.startsWith(`${A} ${A} 17`))!.split(" ")[3]} 5353`);
    expect(ours.some((l) => l.startsWith("::1 ::1 17 ") && l.endsWith(" 5354"))).toBe(true);
  });
});
