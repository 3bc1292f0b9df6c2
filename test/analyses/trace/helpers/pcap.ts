/** Reads a classic little-endian microsecond pcap (as tcpdump -w writes) into frames with times in ms. */
import { readFileSync } from "node:fs";

export interface Frame {
  data: Buffer;
  ms: number;
}

export function readPcap(path: string): { linkType: number; frames: Frame[] } {
  const b = readFileSync(path);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${path}: not a little-endian µs pcap`);
  const linkType = b.readUInt32LE(20);
  const frames: Frame[] = [];
  // Record header: ts_sec, ts_usec, incl_len, orig_len (4 bytes each), then incl_len bytes.
  for (let o = 24; o + 16 <= b.length; ) {
    const len = b.readUInt32LE(o + 8);
    frames.push({ data: b.subarray(o + 16, o + 16 + len), ms: b.readUInt32LE(o) * 1000 + b.readUInt32LE(o + 4) / 1000 });
    o += 16 + len;
  }
  return { linkType, frames };
}
