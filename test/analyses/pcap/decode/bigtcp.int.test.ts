/**
 * IPv6 frames with payload length 0 (BIG TCP / GRO, RFC 2675 jumbograms) decode up to the end of
 * the frame, as tshark does with its TSO preference (ipv6.tso_support) and tcpdump ("presumed BIG
 * TCP") do: addresses, ports and TCP payload length must agree with tshark's.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { analysePcap } from "../../../../src/analyses/pcap/analyse.js";
import { TCPDUMP_DIR } from "../helpers.js";

const hasTshark = spawnSync("tshark", ["-v"]).status === 0;
if (!hasTshark) console.warn("tshark not installed: BIG TCP cross-check skipped");

const FILES = ["bigtcp-ipv6.pcap", "bigtcp-ipv6-hbh.pcap"];

function tshark(file: string): string[][] {
  const fields = ["ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.len"];
  const text = execFileSync("tshark", ["-n", "-o", "ipv6.tso_support:TRUE", "-r", file, "-T", "fields", "-E", "occurrence=f", ...fields.flatMap((f) => ["-e", f])], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return text.split("\n").filter(Boolean).map((l) => l.split("\t"));
}

describe.skipIf(!hasTshark)("IPv6 payload length 0", () => {
  it.each(FILES)("%s: addresses, ports and TCP payload length as tshark decodes them", async (file) => {
    const path = `${TCPDUMP_DIR}/${file}`;
    const addrs = newAddressTable();
    const d = newDecoded();
    const ours: string[][] = [];
    await readCapture(path, (pkt) => {
      decodeFrame(pkt, addrs, d);
      expect(d.headerCut, `${file} frame ${pkt.index}`).toBe(false);
      ours.push([addrs.text(d.src), addrs.text(d.dst), String(d.sport), String(d.dport), String(d.payloadLength)]);
    });
    const theirs = tshark(path);
    expect(theirs.length).toBeGreaterThan(0);
    for (const t of theirs) expect(Number(t[4])).toBeGreaterThan(65_535);
    expect(ours).toEqual(theirs);
  });

  it("bigtcp-ipv6.pcap is one TCP conversation between its ports, no frame with cut headers", async () => {
    const r = await analysePcap([`${TCPDUMP_DIR}/bigtcp-ipv6.pcap`]);
    expect(r.totals.headerCutPackets).toBe(0);
    const conv = r.datasets.find((x) => x.kind === "pcapConversations")!;
    expect(conv.rows).toEqual([expect.objectContaining({ protocol: "TCP", src: "2604:1380:4091:ce00::b", srcPort: 43267, dst: "2604:1380:4091:ce00::d", dstPort: 41219, packets: 1 })]);
  });
});
