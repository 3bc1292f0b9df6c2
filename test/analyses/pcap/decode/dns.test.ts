import { describe, expect, it } from "vitest";
import { parseDns } from "../../../../src/analyses/pcap/decode/dns.js";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { newDnsTcpReassembler } from "../../../../src/analyses/pcap/decode/dnsStream.js";
import type { DnsMessage } from "../../../../src/analyses/pcap/decode/dns.js";
import { DNS_DIR } from "../helpers.js";

const header = (qd: number, an: number, flags = 0x8180) => {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  return h;
};

describe("parseDns", () => {
  it("follows compression pointers and reads A, AAAA and CNAME answers with TTLs", () => {
    const q = Buffer.from([3, ...Buffer.from("www"), 7, ...Buffer.from("example"), 3, ...Buffer.from("com"), 0, 0, 1, 0, 1]);
    const cname = Buffer.from([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 30, 0, 6, 3, ...Buffer.from("cdn"), 0xc0, 16]);
    const a = Buffer.from([0xc0, 12 + q.length + 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4, 198, 18, 16, 9]);
    const aaaa = Buffer.concat([Buffer.from([0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 5, 0, 16]), Buffer.from("20010db8000000000000000000000001", "hex")]);
    const msg = Buffer.concat([header(1, 3), q, cname, a, aaaa]);
    const m = parseDns(msg, 0, msg.length)!;
    expect(m.response).toBe(true);
    expect(m.questions).toEqual([{ name: "www.example.com", type: 1 }]);
    expect(m.answers).toEqual([
      { name: "www.example.com", type: 5, ttl: 30, length: 6, data: "cdn.example.com" },
      { name: "cdn.example.com", type: 1, ttl: 256, length: 4, data: "198.18.16.9" },
      { name: "www.example.com", type: 28, ttl: 5, length: 16, data: "2001:db8::1" },
    ]);
    expect(m.truncated).toBe(false);
  });

  it("stops on pointer loops, forward pointers and over-long names instead of hanging", () => {
    const loop = Buffer.concat([header(1, 0), Buffer.from([0xc0, 12, 0, 1, 0, 1])]); // points at itself
    expect(parseDns(loop, 0, loop.length)).toMatchObject({ questions: [], truncated: true });
    const forward = Buffer.concat([header(1, 0), Buffer.from([0xc0, 14, 0xc0, 12, 0, 1, 0, 1])]);
    expect(parseDns(forward, 0, forward.length)!.truncated).toBe(true);
    const long = Buffer.concat([header(1, 0), ...Array.from({ length: 10 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])), Buffer.from([0, 0, 1, 0, 1])]);
    expect(parseDns(long, 0, long.length)!.truncated).toBe(true);
    const cut = Buffer.concat([header(1, 5), Buffer.from([1, 0x61, 0, 0, 1, 0, 1, 0xc0])]);
    const m = parseDns(cut, 0, cut.length)!;
    expect(m.questions).toEqual([{ name: "a", type: 1 }]);
    expect(m.truncated).toBe(true);
    expect(parseDns(Buffer.alloc(5), 0, 5)).toBeNull();
  });

  it("escapes unprintable label bytes as \\DDD", () => {
    const msg = Buffer.concat([header(1, 0, 0x0100), Buffer.from([3, 0x61, 0x00, 0x2e, 0, 0, 1, 0, 1])]);
    expect(parseDns(msg, 0, msg.length)!.questions[0]!.name).toBe("a\\000\\.");
  });
});

describe("DNS over TCP (SIGRed capture)", () => {
  it("joins 47 segments into one SIG answer of 65,470 bytes, as tshark decodes frame 50", async () => {
    const addrs = newAddressTable();
    const d = newDecoded();
    const re = newDnsTcpReassembler();
    const got: { frame: number; m: DnsMessage }[] = [];
    const udp: DnsMessage[] = [];
    await readCapture(`${DNS_DIR}/PCAP-ATTACK_Exploit_DoS_cve-2020-1350_dns_sig_maxspl0it.pcapng`, (pkt) => {
      decodeFrame(pkt, addrs, d);
      if (d.proto === 17 && (d.sport === 53 || d.dport === 53)) udp.push(parseDns(pkt.buf, d.payloadOffset, d.payloadLength)!);
      if (d.proto === 6 && (d.sport === 53 || d.dport === 53)) {
        for (const m of re.push(`${d.src}:${d.sport}>${d.dst}:${d.dport}`, d.seq, d.tcpFlags, pkt.buf, d.payloadOffset, d.payloadLength)) got.push({ frame: pkt.index, m });
      }
    });
    expect(udp.map((m) => [m.questions[0]?.name, m.questions[0]?.type, m.response, m.tc])).toEqual([
      ["9.ibrokethe.net", 24, false, false],
      ["9.ibrokethe.net", 24, true, true],
    ]);
    const answers = got.filter((g) => g.m.response);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.frame).toBe(50);
    expect(answers[0]!.m.answers).toHaveLength(1);
    expect(answers[0]!.m.answers[0]).toMatchObject({ type: 24, length: 65470, name: "9.ibrokethe.net" });
    expect(re.pending()).toBe(0);
  });
});
