/** Frames built byte by byte for the pcap tests, and a session that analyses them. */
import { createPcapSession, type PcapResult } from "../../../src/analyses/pcap/session.js";
import { newRawPacket, pointAt } from "../../../src/analyses/pcap/read/packet.js";

/** A dotted quad as its uint32. */
export const ip = (s: string) => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);

/** A DNS name in wire form (labels, then the root), followed by `type` and class IN. */
export function qname(name: string, type: number): Buffer {
  return Buffer.concat([...name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0, 0, type, 0, 1])]);
}

/**
 * An Ethernet + IPv4 + TCP frame, checksums left zero: `payload` zero bytes, or those bytes.
 * With `tso` the IPv4 total length is 0, as a TSO/GRO frame has it (the frame's length counts).
 */
export function tcpFrame(src: number, dst: number, sport: number, dport: number, flags: number, ttl = 64, payload: number | Buffer = 0, tso = false): Buffer {
  const data = typeof payload === "number" ? Buffer.alloc(payload) : payload;
  const f = Buffer.alloc(14 + 20 + 20 + data.length);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(tso ? 0 : 40 + data.length, 16);
  f[22] = ttl;
  f[23] = 6;
  f.writeUInt32BE(src >>> 0, 26);
  f.writeUInt32BE(dst >>> 0, 30);
  f.writeUInt16BE(sport, 34);
  f.writeUInt16BE(dport, 36);
  f.writeUInt32BE(12345, 38);
  f[46] = 0x50;
  f[47] = flags;
  data.copy(f, 54);
  return f;
}

/** An Ethernet + IPv4 + UDP frame, checksums left zero: `payload` zero bytes, or those bytes. */
export function udpFrame(src: number, dst: number, sport: number, dport: number, payload: number | Buffer = 0): Buffer {
  const data = typeof payload === "number" ? Buffer.alloc(payload) : payload;
  const f = Buffer.alloc(14 + 20 + 8 + data.length);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(28 + data.length, 16);
  f[22] = 64;
  f[23] = 17;
  f.writeUInt32BE(src >>> 0, 26);
  f.writeUInt32BE(dst >>> 0, 30);
  f.writeUInt16BE(sport, 34);
  f.writeUInt16BE(dport, 36);
  f.writeUInt16BE(8 + data.length, 38);
  data.copy(f, 42);
  return f;
}

/** Runs frames (with their µs timestamps) through one session. */
export function analyse(frames: Iterable<[Buffer, number]>): PcapResult {
  const s = createPcapSession();
  s.beginSource("built.pcap");
  const pkt = newRawPacket();
  let i = 0;
  for (const [f, tsUs] of frames) {
    pointAt(pkt, f);
    Object.assign(pkt, { index: ++i, offset: 0, caplen: f.length, origLen: f.length, tsUs, linkType: 1 });
    s.feed(pkt);
  }
  s.endSource("built");
  return s.finish();
}
