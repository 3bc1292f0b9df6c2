/**
 * A spoofed SYN flood written straight to a pcap file (nothing is sent): Ethernet + IPv4 + TCP SYN
 * frames to 198.18.16.8:80 from every address of 198.18.0.0/15 in turn (131,072 sources, more
 * than the MAX_TRACKED keys a collector keeps), each from a new source port, TTL 64 and a random
 * sequence number, as `hping3 --flood --rand-source -S` sends them. Every collector meets new
 * keys in almost every frame: the hostile case for memory and for the per-key caches.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const FRAME = 54;
const RECORD = 16 + FRAME;
const BATCH = 10_000;

/** Writes `frames` flood frames to `path`, one per microsecond from 2026-01-01. */
export function writeSpoofedFlood(path: string, frames: number): void {
  const fd = openSync(path, "w");
  try {
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(65535, 16);
    head.writeUInt32LE(1, 20); // Ethernet
    writeSync(fd, head);
    const t0 = Date.UTC(2026, 0, 1) / 1000;
    const batch = Buffer.alloc(RECORD * BATCH);
    for (let k = 0; k < frames; ) {
      let o = 0;
      for (let j = 0; j < BATCH && k < frames; j++, k++, o += RECORD) {
        batch.fill(0, o, o + RECORD);
        batch.writeUInt32LE(t0 + Math.floor(k / 1e6), o);
        batch.writeUInt32LE(k % 1e6, o + 4);
        batch.writeUInt32LE(FRAME, o + 8);
        batch.writeUInt32LE(FRAME, o + 12);
        const f = o + 16;
        batch.writeUInt16BE(0x0800, f + 12);
        batch[f + 14] = 0x45;
        batch.writeUInt16BE(40, f + 16);
        batch[f + 22] = 64;
        batch[f + 23] = 6;
        batch.writeUInt32BE((0xc6120000 + (k % 131_072)) >>> 0, f + 26); // 198.18.0.0/15
        batch.writeUInt32BE(0xc6121008, f + 30); // 198.18.16.8
        batch.writeUInt16BE(1024 + (k % 64_000), f + 34);
        batch.writeUInt16BE(80, f + 36);
        let x = Math.imul(k ^ (k >>> 15), 0x2c1b3c6d); // an ISN that no source repeats in a pattern
        x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
        batch.writeUInt32BE((x ^ (x >>> 15)) >>> 0, f + 38);
        batch[f + 46] = 0x50;
        batch[f + 47] = 0x02; // SYN
      }
      writeSync(fd, batch, 0, o);
    }
  } finally {
    closeSync(fd);
  }
}
