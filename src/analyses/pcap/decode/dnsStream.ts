/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is prefixed by a 2-byte length, and one
 * message may span many segments (SIGRed's 65,470-byte SIG answer spans 47). Segments are joined
 * per direction of a connection in sequence order; duplicates and overlaps are trimmed; a gap
 * (lost segment) drops that direction's partial message. Only port-53 connections get here, so
 * the per-connection buffers are few; each is bounded to one maximum-size message.
 */
import { parseDns, type DnsMessage } from "./dns.js";

const MAX_STREAM = 65_535 + 2;

interface Stream {
  nextSeq: number;
  data: Buffer;
  len: number;
}

/** Joins DNS-over-TCP segments and yields whole messages. */
export interface DnsTcpReassembler {
  /**
   * Adds one segment (`key` names the connection direction, `syn` when the SYN flag is set).
   * Returns the messages completed by it (usually none or one).
   */
  push(key: string, seq: number, syn: boolean, buf: Buffer, off: number, len: number): DnsMessage[];
  /** Connections with an incomplete message at the end. */
  pending(): number;
}

/** Makes a reassembler. */
export function newDnsTcpReassembler(): DnsTcpReassembler {
  const streams = new Map<string, Stream>();
  return {
    push(key, seq, syn, buf, off, len) {
      let s = streams.get(key);
      if (syn) {
        s = { nextSeq: (seq + 1) >>> 0, data: Buffer.alloc(0), len: 0 };
        streams.set(key, s);
        if (len === 0) return [];
        seq = (seq + 1) >>> 0;
      }
      if (len === 0) return [];
      if (!s) {
        // Joined mid-connection: trust this segment as the start of a message.
        s = { nextSeq: seq, data: Buffer.alloc(0), len: 0 };
        streams.set(key, s);
      }
      const delta = (seq - s.nextSeq) | 0;
      if (delta > 0) {
        // Gap: a segment is missing; restart at this one.
        s.len = 0;
        s.nextSeq = seq;
      } else if (delta < 0) {
        if (-delta >= len) return [];
        off += -delta;
        len -= -delta;
      }
      if (s.len + len > MAX_STREAM) {
        s.len = 0;
        s.nextSeq = (s.nextSeq + len) >>> 0;
        return [];
      }
      if (s.data.length < s.len + len) {
        const bigger = Buffer.alloc(Math.min(MAX_STREAM, Math.max(s.len + len, s.data.length * 2, 512)));
        s.data.copy(bigger, 0, 0, s.len);
        s.data = bigger;
      }
      buf.copy(s.data, s.len, off, off + len);
      s.len += len;
      s.nextSeq = (s.nextSeq + len) >>> 0;
      const out: DnsMessage[] = [];
      let p = 0;
      while (s.len - p >= 2) {
        const mlen = s.data.readUInt16BE(p);
        if (s.len - p - 2 < mlen) break;
        const m = parseDns(s.data, p + 2, mlen);
        if (m) out.push(m);
        p += 2 + mlen;
      }
      if (p > 0) {
        s.data.copy(s.data, 0, p, s.len);
        s.len -= p;
      }
      return out;
    },
    pending() {
      let n = 0;
      for (const s of streams.values()) if (s.len > 0) n++;
      return n;
    },
  };
}
