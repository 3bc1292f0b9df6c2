/**
 * pcapng features the corpus has little of, in files built here: two sections of opposite byte
 * order, several interfaces with their own if_tsresol (µs, ns, 2^-10) and if_tsoffset, SPB,
 * obsolete PB and unknown blocks skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import type { RawPacket } from "../../../../src/analyses/pcap/read/packet.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-pcapng-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class Writer {
  parts: Buffer[] = [];
  constructor(readonly le: boolean) {}
  u16(v: number) {
    const b = Buffer.alloc(2);
    this.le ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
    return b;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    this.le ? b.writeUInt32LE(v >>> 0) : b.writeUInt32BE(v >>> 0);
    return b;
  }
  block(type: number, body: Buffer) {
    const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
    const len = 12 + body.length + pad.length;
    this.parts.push(type === 0x0a0d0d0a ? Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]) : this.u32(type), this.u32(len), body, pad, this.u32(len));
  }
  opt(code: number, value: Buffer) {
    const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
    return Buffer.concat([this.u16(code), this.u16(value.length), value, pad]);
  }
  shb() {
    this.block(0x0a0d0d0a, Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]));
  }
  idb(linkType: number, snaplen: number, opts: Buffer[] = []) {
    this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snaplen), ...opts, ...(opts.length ? [this.u32(0)] : [])]));
  }
  epb(iface: number, ts: bigint, data: Buffer, orig = data.length) {
    this.block(6, Buffer.concat([this.u32(iface), this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn)), this.u32(data.length), this.u32(orig), data]));
  }
}

const frame = (tag: number) => Buffer.concat([Buffer.alloc(12, tag), Buffer.from([0x08, 0x00]), Buffer.alloc(20 + tag)]);

describe("pcapng", () => {
  it("reads sections of both byte orders, per-interface resolutions, SPB, PB and skips unknown blocks", async () => {
    const T = 1_700_000_000; // seconds
    const a = new Writer(true);
    a.shb();
    a.idb(1, 65535); // default µs
    a.idb(1, 65535, [a.opt(9, Buffer.from([9]))]); // ns
    const tsoff = Buffer.alloc(8);
    tsoff.writeBigInt64LE(100n);
    a.idb(101, 65535, [a.opt(9, Buffer.from([0x80 | 10])), a.opt(14, tsoff)]); // 2^-10 s, +100 s
    a.epb(0, BigInt(T) * 1_000_000n + 123_456n, frame(1));
    a.block(0x0bad, Buffer.alloc(20, 7)); // unknown: skipped
    a.epb(1, BigInt(T) * 1_000_000_000n + 987_654_321n, frame(2), 500);
    a.epb(2, BigInt(T) * 1024n + 512n, frame(3));
    a.block(3, Buffer.concat([a.u32(40), frame(4).subarray(0, 40)])); // SPB on interface 0
    const b = new Writer(false); // big-endian second section: interfaces start over
    b.shb();
    b.idb(113, 96, [b.opt(9, Buffer.from([3]))]); // ms
    b.epb(0, BigInt(T) * 1000n + 7n, frame(5));
    b.block(2, Buffer.concat([b.u16(0), b.u16(0), b.u32(Math.floor((T * 1000 + 9) / 2 ** 32)), b.u32((T * 1000 + 9) % 2 ** 32), b.u32(30), b.u32(30), frame(6).subarray(0, 30), Buffer.alloc(2)])); // obsolete PB
    const path = join(dir, "mixed.pcapng");
    writeFileSync(path, Buffer.concat([...a.parts, ...b.parts]));
    const got: Omit<RawPacket, "buf">[] = [];
    const firstByte: number[] = [];
    const r = await readCapture(path, (p) => {
      const { buf, ...rest } = p;
      got.push({ ...rest });
      firstByte.push(buf[p.offset]!);
    });
    expect(r.packets).toBe(6);
    expect(r.format).toMatch(/2 sections/);
    expect(got.map((p) => p.linkType)).toEqual([1, 1, 101, 1, 113, 113]);
    expect(got.map((p) => p.iface)).toEqual([0, 1, 2, 0, 0, 0]);
    expect(got[0]!.tsUs).toBe(T * 1e6 + 123_456);
    expect(got[1]!.tsUs).toBe(T * 1e6 + 987_654);
    expect(got[1]!.origLen).toBe(500);
    expect(got[2]!.tsUs).toBe((T + 100) * 1e6 + 500_000);
    expect(got[3]!.caplen).toBe(40);
    expect(got[4]!.tsUs).toBe(T * 1e6 + 7000);
    expect(got[5]!.tsUs).toBe(T * 1e6 + 9000);
    expect(firstByte).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads records larger than the chunk (the buffer grows, memory stays bounded)", async () => {
    const w = new Writer(true);
    w.shb();
    w.idb(1, 262144);
    for (let i = 0; i < 5; i++) w.epb(0, 1n, Buffer.alloc(200_000, i));
    const path = join(dir, "big.pcapng");
    writeFileSync(path, Buffer.concat(w.parts));
    const sizes: number[] = [];
    await readCapture(path, (p) => sizes.push(p.caplen), { chunkBytes: 64 * 1024 });
    expect(sizes).toEqual([200_000, 200_000, 200_000, 200_000, 200_000]);
  });
});
