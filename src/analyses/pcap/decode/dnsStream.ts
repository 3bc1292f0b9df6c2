/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is prefixed by a 2-byte length. One
 * message may span many segments (SIGRed's 65,470-byte SIG answer spans 47), and one segment may
 * hold many messages (a GRO/TSO frame of up to 64 KiB, or pipelined queries). Per direction of a
 * connection (`key`):
 *
 *   segment ─▶ 1. RST: forget the direction; SYN: start it afresh at the next sequence number
 *           ─▶ 2. order: a retransmitted head is trimmed; a gap (a lost or snap-cut segment) puts
 *                 the direction out of step, and it is skipped until its next SYN, since the
 *                 following bytes may lie anywhere inside a message
 *           ─▶ 3. messages: the open one is completed, whole ones are parsed where they lie in the
 *                 segment, and only the one left open at its end is copied (≤ 2 + 65,535 bytes)
 *           ─▶ 4. FIN: forget the direction
 *
 * Open directions are capped at {@link MAX_STREAMS}, and their open messages at
 * {@link MAX_HELD_BYTES} together; the least recently used direction is evicted first. Every
 * message given up on (cut by a gap, RST, FIN or eviction, or still open at the end) is counted.
 */
import { parseDns, type DnsMessage } from "./dns.js";
import { TcpFlag } from "./frame.js";

/** Connection directions tracked at once; the least recently used is evicted beyond it. */
export const MAX_STREAMS = 4096;
/** Bytes of open messages held at once over all directions (256 maximum-size messages). */
export const MAX_HELD_BYTES = 256 * (65_535 + 2);

const EMPTY = Buffer.alloc(0);

interface Stream {
  /** Sequence number of the next byte expected. */
  nextSeq: number;
  /** False after a gap: the direction's bytes are ignored until its next SYN. */
  inStep: boolean;
  /** The open message, length prefix included, as far as received: data[0, len). */
  data: Buffer;
  len: number;
}

/** Joins DNS-over-TCP segments and yields whole messages. */
export interface DnsTcpReassembler {
  /**
   * Adds one segment: `key` names the connection direction, `flags` are the TCP flag bits
   * ({@link TcpFlag}), the payload is `buf[off, off + len)`. Returns the messages it completed.
   */
  push(key: string, seq: number, flags: number, buf: Buffer, off: number, len: number): DnsMessage[];
  /**
   * DNS messages that could not be reassembled: still open at the end, or given up on at a gap
   * (one per gap: what follows it up to the next SYN is skipped uncounted), a RST or FIN inside a
   * message, or an eviction.
   */
  pending(): number;
  /** Directions evicted (least recently used) to stay within {@link MAX_STREAMS}/{@link MAX_HELD_BYTES}. */
  evicted(): number;
  /** Directions tracked now (at most {@link MAX_STREAMS}). */
  open(): number;
}

/** Makes a reassembler. */
export function newDnsTcpReassembler(): DnsTcpReassembler {
  // Insertion order is recency order: a direction is moved to the end when used.
  const streams = new Map<string, Stream>();
  let last: Stream | null = null;
  let held = 0;
  let lost = 0;
  let evictions = 0;

  const forget = (key: string, s: Stream) => {
    if (s.len > 0) lost++;
    held -= s.data.length;
    streams.delete(key);
    if (last === s) last = null;
  };
  /** Evicts least recently used directions other than `keep` while over either cap. */
  const evict = (keep: Stream | null, extra: number) => {
    for (const [k, s] of streams) {
      if (streams.size + extra <= MAX_STREAMS && held <= MAX_HELD_BYTES) return;
      if (s === keep) continue;
      forget(k, s);
      evictions++;
    }
  };
  /** Makes room for `need` bytes of open message in `s`, keeping what it holds. */
  const reserve = (s: Stream, need: number) => {
    if (s.data.length >= need) return;
    const bigger = Buffer.allocUnsafe(need);
    s.data.copy(bigger, 0, 0, s.len);
    held += need - s.data.length;
    s.data = bigger;
    if (held > MAX_HELD_BYTES) evict(s, 0);
  };
  const release = (s: Stream) => {
    held -= s.data.length;
    s.data = EMPTY;
    s.len = 0;
  };

  return {
    push(key, seq, flags, buf, off, len) {
      // 1. Connection state.
      let s = streams.get(key);
      if (flags & TcpFlag.rst) {
        if (s) forget(key, s);
        return [];
      }
      if (flags & TcpFlag.syn) {
        if (s) forget(key, s);
        s = undefined;
        seq = (seq + 1) >>> 0;
      } else if (s && !s.inStep) {
        if (flags & TcpFlag.fin) forget(key, s);
        return [];
      }
      if (!s) {
        if (len === 0 && !(flags & TcpFlag.syn)) return [];
        // A SYN, or joined mid-connection: trust this segment as the start of a message.
        evict(null, 1);
        s = { nextSeq: seq, inStep: true, data: EMPTY, len: 0 };
        streams.set(key, s);
      } else if (s !== last) {
        streams.delete(key);
        streams.set(key, s);
      }
      last = s;
      // 2. Order.
      const delta = (seq - s.nextSeq) | 0;
      if (delta > 0 && len > 0) {
        lost++;
        release(s);
        s.inStep = false;
        if (flags & TcpFlag.fin) forget(key, s);
        return [];
      }
      const out: DnsMessage[] = [];
      if (delta < 0) {
        const dup = Math.min(-delta, len);
        off += dup;
        len -= dup;
      }
      if (len > 0) {
        s.nextSeq = (s.nextSeq + len) >>> 0;
        takeMessages(s, buf, off, off + len, out);
      }
      // 4. End of the direction.
      if (flags & TcpFlag.fin) forget(key, s);
      return out;
    },
    pending() {
      let n = lost;
      for (const s of streams.values()) if (s.len > 0) n++;
      return n;
    },
    evicted: () => evictions,
    open: () => streams.size,
  };

  // 3. Messages of buf[off, end): the open one first, then whole ones in place, then the rest.
  function takeMessages(s: Stream, buf: Buffer, off: number, end: number, out: DnsMessage[]): void {
    if (s.len > 0) {
      if (s.len === 1) {
        // Only the prefix's first byte so far.
        reserve(s, 2);
        s.data[1] = buf[off++]!;
        s.len = 2;
      }
      const need = 2 + s.data.readUInt16BE(0);
      reserve(s, need);
      const n = Math.min(need - s.len, end - off);
      buf.copy(s.data, s.len, off, off + n);
      s.len += n;
      off += n;
      if (s.len < need) return;
      const m = parseDns(s.data, 2, need - 2);
      if (m) out.push(m);
      release(s);
    }
    while (end - off >= 2) {
      const mlen = buf.readUInt16BE(off);
      if (end - off - 2 < mlen) break;
      const m = parseDns(buf, off + 2, mlen);
      if (m) out.push(m);
      off += 2 + mlen;
    }
    if (off < end) {
      reserve(s, end - off >= 2 ? 2 + buf.readUInt16BE(off) : 2);
      buf.copy(s.data, 0, off, end);
      s.len = end - off;
    }
  }
}
