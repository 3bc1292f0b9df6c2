/**
 * Chunk boundaries of the double-buffered reader: records cut at every possible place between two
 * chunks, records longer than the reserve in front of a chunk and than the chunk itself (the slow
 * path), gzip, and a cut inside an oversized record. Frames must come out whole and in order, with
 * their bytes intact, and with a DataView of the buffer that holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { isNetreportError } from "../../../../src/errors.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-pcap-chunks-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A little-endian µs pcap (raw IPv4 link type) whose frames have the given lengths; byte i of frame k is (k + i) & 255. */
function pcap(lengths: number[], snaplen = 2_000_000): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(101, 20);
  parts.push(h);
  lengths.forEach((len, k) => {
    const r = Buffer.alloc(16 + len);
    r.writeUInt32LE(1_700_000_000 + k, 0);
    r.writeUInt32LE(k, 4);
    r.writeUInt32LE(len, 8);
    r.writeUInt32LE(len, 12);
    for (let i = 0; i < len; i++) r[16 + i] = (k + i) & 255;
    parts.push(r);
  });
  return Buffer.concat(parts);
}

async function frames(path: string, chunkBytes: number): Promise<{ sizes: number[]; intact: boolean }> {
  const sizes: number[] = [];
  let intact = true;
  await readCapture(
    path,
    (p) => {
      const k = sizes.length;
      sizes.push(p.caplen);
      for (let i = 0; i < p.caplen; i += 997) if (p.buf[p.offset + i] !== ((k + i) & 255)) intact = false;
      if (p.caplen && p.buf[p.offset + p.caplen - 1] !== ((k + p.caplen - 1) & 255)) intact = false;
      // The decoders read multi-byte fields through the view: it must be a view of this buffer.
      const v = p.view;
      if (v.buffer !== p.buf.buffer || v.byteOffset !== p.buf.byteOffset || v.byteLength !== p.buf.length) intact = false;
      if (p.caplen >= 2 && v.getUint16(p.offset) !== ((k & 255) << 8 | ((k + 1) & 255))) intact = false;
    },
    { chunkBytes },
  );
  return { sizes, intact };
}

describe("readCapture chunking", () => {
  it("cuts a record at every offset of its header and data between two 64 KiB chunks", async () => {
    // Records of 16 + 300 bytes after a first frame of `shift` bytes: as the shift goes from 0 to
    // 315, the chunk boundary falls on every byte of the record that straddles it.
    for (let shift = 0; shift < 316; shift++) {
      const lengths = [shift, ...Array.from({ length: 212 }, () => 300)];
      const path = join(dir, `shift-${shift}.pcap`);
      writeFileSync(path, pcap(lengths));
      expect(await frames(path, 64 * 1024), `shift ${shift}`).toEqual({ sizes: lengths, intact: true });
      rmSync(path);
    }
  });

  it("keeps frames of mixed sizes whole across several chunks, plain and gzip", async () => {
    // 1,000 frames of 1–400 bytes: record boundaries fall anywhere relative to the chunks.
    const lengths = Array.from({ length: 1000 }, (_, k) => 1 + ((k * 7919) % 400));
    const path = join(dir, "small.pcap");
    writeFileSync(path, pcap(lengths));
    expect(await frames(path, 64 * 1024)).toEqual({ sizes: lengths, intact: true });
    writeFileSync(`${path}.gz`, gzipSync(pcap(lengths)));
    expect(await frames(`${path}.gz`, 64 * 1024)).toEqual({ sizes: lengths, intact: true });
  });

  it("reads records longer than the reserve and the chunk (slow path) between small ones", async () => {
    const lengths = [60, 300_000, 70, 1_500_000, 1_500_000, 80, 262_145, 90];
    const path = join(dir, "big.pcap");
    writeFileSync(path, pcap(lengths));
    expect(await frames(path, 64 * 1024)).toEqual({ sizes: lengths, intact: true });
    expect(await frames(path, 4 * 1024 * 1024)).toEqual({ sizes: lengths, intact: true });
  });

  it("reports a capture cut inside an oversized record after the frames before it", async () => {
    const whole = pcap([60, 70, 1_500_000]);
    const path = join(dir, "cut.pcap");
    writeFileSync(path, whole.subarray(0, whole.length - 1000));
    const seen: number[] = [];
    const err = await readCapture(path, (p) => seen.push(p.caplen), { chunkBytes: 64 * 1024 }).then(() => null, (e: unknown) => e);
    expect(seen).toEqual([60, 70]);
    expect(isNetreportError(err) && err.code).toBe("EPCAP_TRUNCATED");
    expect(String((err as Error).message)).toMatch(/record 3: 1499016 of 1500016 bytes/);
  });

  it("reports files too short for any header", async () => {
    const path = join(dir, "tiny.pcap");
    writeFileSync(path, Buffer.from([0xd4, 0xc3]));
    const err = await readCapture(path, () => {}).then(() => null, (e: unknown) => e);
    expect(isNetreportError(err) && err.code).toBe("EPCAP_TRUNCATED");
    expect(String((err as Error).message)).toMatch(/2 bytes long/);
  });
});
