/**
 * DNS message parser (RFC 1035), for UDP payloads and reassembled DNS-over-TCP messages.
 *
 *   header (12): id (2) flags (2: QR<<15 | opcode<<11 | AA | TC<<9 | RD | RA | Z | rcode & 15)
 *                qdcount (2) ancount (2) nscount (2) arcount (2)
 *   question:    name, type (2), class (2)
 *   RR:          name, type (2), class (2), TTL (4), rdlength (2), rdata
 *   name:        labels (length byte < 64, then bytes) ending in 0, or a pointer (two bytes 11xxxxxx)
 *                to an earlier offset. Guards: a pointer must point strictly before the pointer
 *                itself (no loops), at most 64 jumps, at most 255 bytes of name.
 * A message cut short yields what was parsed before the cut, with `truncated` set.
 */
import { ipv4Text, ipv6Text } from "./address.js";

/** Response codes worth naming. */
export const DnsRcode = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;

/** Record types worth naming. */
export const DNS_TYPE_NAMES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 24: "SIG", 28: "AAAA", 33: "SRV", 41: "OPT", 43: "DS", 46: "RRSIG", 48: "DNSKEY", 65: "HTTPS", 255: "ANY",
};

/** Text name of a record type (`"A"`, or `"TYPE99"`). */
export function dnsTypeName(t: number): string {
  return DNS_TYPE_NAMES[t] ?? `TYPE${t}`;
}

/** One question. */
export interface DnsQuestion {
  name: string;
  type: number;
}

/** One answer record. `data` is the address for A/AAAA, the target name for CNAME/NS/PTR, else null. */
export interface DnsAnswer {
  name: string;
  type: number;
  /** Seconds. */
  ttl: number;
  /** rdata length in bytes. */
  length: number;
  data: string | null;
}

/** A parsed DNS message. */
export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  /** TC bit: the answer did not fit (the client should retry over TCP). */
  tc: boolean;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
  /** True when the message ended before its counts said. */
  truncated: boolean;
}

const MAX_JUMPS = 64;
const MAX_NAME = 255;

/** Reads a name at `off` within `buf[base, end)`; returns [name, offset after it] or null if malformed. */
function readName(buf: Buffer, base: number, end: number, off: number): [string, number] | null {
  let name = "";
  let p = off;
  let after = -1;
  let jumps = 0;
  for (;;) {
    if (p >= end) return null;
    const len = buf[p]!;
    if (len === 0) {
      if (after < 0) after = p + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end) return null;
      const target = base + (((len & 0x3f) << 8) | buf[p + 1]!);
      if (after < 0) after = p + 2;
      if (target >= p || ++jumps > MAX_JUMPS) return null;
      p = target;
      continue;
    }
    if (len & 0xc0) return null;
    if (p + 1 + len > end) return null;
    if (name.length + len + 1 > MAX_NAME) return null;
    name += (name ? "." : "") + labelText(buf, p + 1, p + 1 + len);
    p += 1 + len;
  }
  return [name || ".", after];
}

/** Label bytes as text; bytes outside printable ASCII become \DDD as in zone files. */
function labelText(buf: Buffer, s: number, e: number): string {
  let plain = true;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return buf.toString("latin1", s, e);
  let out = "";
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    out += c <= 0x20 || c >= 0x7f ? `\\${c.toString().padStart(3, "0")}` : c === 0x2e || c === 0x5c ? `\\${String.fromCharCode(c)}` : String.fromCharCode(c);
  }
  return out;
}

/** Parses the DNS message in `buf[off, off + len)`; null when not even the header is there. */
export function parseDns(buf: Buffer, off: number, len: number): DnsMessage | null {
  const end = off + len;
  if (len < 12) return null;
  const flags = buf.readUInt16BE(off + 2);
  const msg: DnsMessage = {
    id: buf.readUInt16BE(off),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 15,
    rcode: flags & 15,
    tc: (flags & 0x0200) !== 0,
    questions: [],
    answers: [],
    truncated: false,
  };
  const qd = buf.readUInt16BE(off + 4);
  const an = buf.readUInt16BE(off + 6);
  let p = off + 12;
  for (let i = 0; i < qd; i++) {
    const r = readName(buf, off, end, p);
    if (!r || r[1] + 4 > end) {
      msg.truncated = true;
      return msg;
    }
    msg.questions.push({ name: r[0], type: buf.readUInt16BE(r[1]) });
    p = r[1] + 4;
  }
  for (let i = 0; i < an; i++) {
    const r = readName(buf, off, end, p);
    if (!r || r[1] + 10 > end) {
      msg.truncated = true;
      return msg;
    }
    const q = r[1];
    const type = buf.readUInt16BE(q);
    const ttl = buf.readUInt32BE(q + 4);
    const rdlen = buf.readUInt16BE(q + 8);
    const rd = q + 10;
    if (rd + rdlen > end) {
      msg.truncated = true;
      return msg;
    }
    let data: string | null = null;
    if (type === 1 && rdlen === 4) data = ipv4Text(buf.readUInt32BE(rd));
    else if (type === 28 && rdlen === 16) data = ipv6Text(buf, rd);
    else if (type === 5 || type === 2 || type === 12) data = readName(buf, off, end, rd)?.[0] ?? null;
    msg.answers.push({ name: r[0], type, ttl, length: rdlen, data });
    p = rd + rdlen;
  }
  return msg;
}
