/**
 * DNS-over-TCP reassembly on crafted segments: several messages in one segment (GRO/TSO), lost
 * segments, FIN/RST and the cap on open connections.
 */
import { describe, expect, it } from "vitest";
import { MAX_HELD_BYTES, MAX_STREAMS, newDnsTcpReassembler } from "../../../../src/analyses/pcap/decode/dnsStream.js";
import { TcpFlag } from "../../../../src/analyses/pcap/decode/frame.js";
import { analyse, ip, qname, tcpFrame } from "../frames.js";

const { syn, fin, rst, ack } = TcpFlag;

/** A DNS response for `name` with one SIG answer, `size` bytes long, behind its 2-byte TCP length prefix. */
function framed(name: string, size: number): Buffer {
  const q = qname(name, 24);
  const rdlen = size - 12 - q.length - 12;
  if (rdlen < 0 || size > 65_535) throw new Error(`cannot make a ${size}-byte message`);
  const m = Buffer.alloc(2 + size);
  m.writeUInt16BE(size, 0);
  m.writeUInt16BE(0x8180, 4); // response, RD, RA
  m.writeUInt16BE(1, 6); // qdcount
  m.writeUInt16BE(1, 8); // ancount
  q.copy(m, 14);
  const rr = 14 + q.length;
  m.writeUInt16BE(0xc00c, rr); // name: pointer to the question's
  m.writeUInt16BE(24, rr + 2);
  m.writeUInt16BE(1, rr + 4);
  m.writeUInt32BE(60, rr + 6);
  m.writeUInt16BE(rdlen, rr + 10);
  return m;
}

const names = (ms: { questions: { name: string }[] }[]) => ms.map((m) => m.questions[0]?.name);

describe("DNS-over-TCP reassembly", () => {
  it("takes every whole message out of one large segment: two of 40,000 bytes, and a 65,470-byte answer with a second message", () => {
    const two = Buffer.concat([framed("a.example", 40_000), framed("b.example", 40_000)]);
    const re = newDnsTcpReassembler();
    expect(names(re.push("c>s", 1000, syn, Buffer.alloc(0), 0, 0))).toEqual([]);
    expect(names(re.push("c>s", 1001, ack, two, 0, two.length))).toEqual(["a.example", "b.example"]);
    expect(re.pending()).toBe(0);

    const sig = framed("9.ibrokethe.net", 65_470 + 12 + 21 + 12);
    const seg = Buffer.concat([sig, framed("next.example", 100), framed("open.example", 300).subarray(0, 50)]);
    const got = re.push("s>c", 7, ack, seg, 0, seg.length);
    expect(names(got)).toEqual(["9.ibrokethe.net", "next.example"]);
    expect(got[0]!.answers[0]).toMatchObject({ type: 24, length: 65_470 });
    // The open third message is kept and completed by the next segment, byte by byte even.
    const rest = framed("open.example", 300).subarray(50);
    let seq = 7 + seg.length;
    const done = [];
    for (let i = 0; i < rest.length; i++) done.push(...re.push("s>c", seq++, ack, rest, i, 1));
    expect(names(done)).toEqual(["open.example"]);
    expect(re.pending()).toBe(0);
  });

  it("completes a message whose length prefix is split between segments", () => {
    const m = Buffer.concat([framed("x.example", 500), framed("y.example", 40)]);
    const re = newDnsTcpReassembler();
    expect(re.push("k", 100, ack, m, 0, 1)).toEqual([]);
    expect(re.pending()).toBe(1);
    expect(names(re.push("k", 101, ack, m, 1, m.length - 1))).toEqual(["x.example", "y.example"]);
    expect(re.pending()).toBe(0);
  });

  it("after a lost segment skips the direction until its next SYN instead of parsing mid-message bytes as DNS", () => {
    // A 300-byte message whose bytes 200.. look like a whole 12-byte DNS message of their own.
    const a = framed("a.example", 300);
    a.writeUInt16BE(12, 200);
    a.writeUInt16BE(0x8180, 204);
    const b = framed("b.example", 60);
    const re = newDnsTcpReassembler();
    re.push("k", 1000, syn, a, 0, 0);
    expect(re.push("k", 1001, ack, a, 0, 100)).toEqual([]);
    // Bytes 100..200 are lost.
    expect(re.push("k", 1201, ack, a, 200, a.length - 200)).toEqual([]);
    expect(re.push("k", 1001 + a.length, ack, b, 0, b.length)).toEqual([]);
    expect(re.pending()).toBe(1);
    // A new connection on the same ports is in step again.
    re.push("k", 5000, syn, b, 0, 0);
    expect(names(re.push("k", 5001, ack, b, 0, b.length))).toEqual(["b.example"]);
    // Retransmitted and overlapping bytes are trimmed, not parsed twice.
    const c = framed("c.example", 80);
    expect(names(re.push("k", 5001, ack, Buffer.concat([b, c]), 0, b.length + c.length))).toEqual(["c.example"]);
    expect(re.pending()).toBe(1);
  });

  it("frees a direction on FIN or RST, counting a message cut by either", () => {
    const q = framed("q.example", 40);
    const re = newDnsTcpReassembler();
    let got = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = `c${i}>s`;
      re.push(key, 10, syn, q, 0, 0);
      got += re.push(key, 11, ack | (i % 2 ? fin : 0), q, 0, q.length).length;
      if (i % 2 === 0) re.push(key, 11 + q.length, i % 4 ? fin | ack : rst, q, 0, 0);
    }
    expect(got).toBe(20_000);
    expect(re.open()).toBe(0);
    expect(re.pending()).toBe(0);
    re.push("cut-by-fin", 1, ack, q, 0, 10);
    re.push("cut-by-fin", 11, fin | ack, q, 10, 10);
    re.push("cut-by-rst", 1, ack, q, 0, 10);
    re.push("cut-by-rst", 11, rst, q, 0, 0);
    expect(re.open()).toBe(0);
    expect(re.pending()).toBe(2);
  });

  it("holds at most MAX_STREAMS directions and MAX_HELD_BYTES of open messages, evicting the least recently used", () => {
    const piece = framed("p.example", 200).subarray(0, 100);
    const re = newDnsTcpReassembler();
    const n = MAX_STREAMS + 1000;
    for (let i = 0; i < n; i++) re.push(`c${i}>s`, 1, ack, piece, 0, piece.length);
    expect(re.open()).toBe(MAX_STREAMS);
    expect(re.evicted()).toBe(1000);
    expect(re.pending()).toBe(n);
    // The least recently used went: the oldest survivor's message completes, the newest evicted
    // one's cannot (checked in that order: a direction pushed anew evicts the oldest again).
    const whole = framed("p.example", 200);
    expect(names(re.push("c1000>s", 1 + 100, ack, whole, 100, 102))).toEqual(["p.example"]);
    expect(names(re.push("c999>s", 1 + 100, ack, whole, 100, 102))).toEqual([]);
    // The most recently used survived: its message completes.
    expect(names(re.push(`c${n - 1}>s`, 1 + 100, ack, whole, 100, 102))).toEqual(["p.example"]);

    // 1,400-byte starts of 65,535-byte messages reserve a whole message each.
    const big = newDnsTcpReassembler();
    const start = Buffer.alloc(1400);
    start.writeUInt16BE(0xffff, 0);
    for (let i = 0; i < 2000; i++) big.push(`c${i}>s`, 1, ack, start, 0, start.length);
    expect(big.open()).toBe(Math.floor(MAX_HELD_BYTES / (2 + 0xffff)));
    expect(big.evicted()).toBe(2000 - big.open());
    expect(big.pending()).toBe(2000);
  });

  it("reaches the session: a TSO frame (IPv4 total length 0) with two 40,000-byte answers gives two DNS messages", () => {
    const payload = Buffer.concat([framed("a.example", 40_000), framed("b.example", 40_000)]);
    const r = analyse([[tcpFrame(ip("198.18.16.53"), ip("198.18.16.9"), 53, 40_000, ack, 64, payload, true), 0]]);
    expect(r.totals.dnsMessages).toBe(2);
    expect(r.warnings.join("\n")).not.toMatch(/DNS-over-TCP/);
  });
});
