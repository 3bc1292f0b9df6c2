/**
 * A damaged gzip capture: the error names the record it cuts and that record's offset in the
 * uncompressed stream, like every other capture error, and keeps the compressed byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { isNetreportError, type NetreportError } from "../../../../src/errors.js";

const RECORDS = 3000;
const BODY = 1000;

/** A classic pcap of RECORDS records of BODY pseudo-random bytes (barely compressible). */
function capture(): Buffer {
  const out = Buffer.alloc(24 + RECORDS * (16 + BODY));
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(262_144, 16);
  out.writeUInt32LE(101, 20); // raw IP
  let seed = 7;
  for (let i = 0, p = 24; i < RECORDS; i++, p += 16 + BODY) {
    out.writeUInt32LE(1_700_000_000 + i, p);
    out.writeUInt32LE(BODY, p + 8);
    out.writeUInt32LE(BODY, p + 12);
    for (let k = 0; k < BODY; k++) out[p + 16 + k] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  }
  return out;
}

let dir: string;
let gz: Buffer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-gzip-"));
  gz = gzipSync(capture());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(path: string, chunkBytes?: number): Promise<{ n: number; err: NetreportError }> {
  let n = 0;
  const err = await readCapture(path, () => void n++, chunkBytes ? { chunkBytes } : {}).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isNetreportError(err)) throw new Error(`expected a NetreportError, got ${String(err)}`);
  return { n, err };
}

describe("a damaged gzip capture", () => {
  it.each([undefined, 64 * 1024])("cut in half (chunk %s): EPCAP_TRUNCATED naming the cut record and its uncompressed offset", async (chunkBytes) => {
    const path = join(dir, "half.pcap.gz");
    writeFileSync(path, gz.subarray(0, gz.length >> 1));
    const { n, err } = await read(path, chunkBytes);
    expect(n).toBeGreaterThan(RECORDS / 3);
    expect(n).toBeLessThan((RECORDS * 2) / 3);
    expect(err.code).toBe("EPCAP_TRUNCATED");
    expect(err.where).toBe(`${path} record ${n + 1} @ byte ${24 + n * (16 + BODY)}`);
    expect(err.message).toMatch(/^gzip stream is damaged at compressed byte \d+, after \d+ uncompressed bytes: unexpected end of file$/);
    expect((err.cause as { code?: string }).code).toBe("Z_BUF_ERROR");
  });

  it("with a wrong CRC: the records before zlib's last output are delivered, then the error names the one after them", async () => {
    const bad = Buffer.from(gz);
    bad[bad.length - 8]! ^= 0xff; // CRC-32 of the trailer
    const path = join(dir, "crc.pcap.gz");
    writeFileSync(path, bad);
    const { n, err } = await read(path);
    // Every record was inflated whole before the trailer's check failed: at most zlib's last
    // 64 KiB output (65 records of 1,016 bytes) is lost with the failing call.
    expect(n).toBeGreaterThanOrEqual(RECORDS - 65);
    expect(err.code).toBe("EPCAP_TRUNCATED");
    expect(err.where).toBe(`${path} record ${n + 1} @ byte ${24 + n * (16 + BODY)}`);
    expect(err.message).toMatch(/compressed byte \d+.*incorrect data check/);
  });
});
