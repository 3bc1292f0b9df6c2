/**
 * Addresses as numbers: an IPv4 address is its uint32 value; an IPv6 address is 2^32 plus its
 * index in an intern table. Maps keyed by these ids cost no string per packet for IPv4, and the
 * text form is made once per address when results are written.
 */

/** First id given to IPv6 addresses. */
export const V6_BASE = 4294967296;

/** Interns IPv6 addresses and turns ids back into text. */
export interface AddressTable {
  /** Id of the 16-byte IPv6 address at `buf[off]`. */
  v6(buf: Buffer, off: number): number;
  /** Text form of an id: dotted quad or RFC 5952 IPv6. */
  text(id: number): string;
  /** True when the id is an IPv6 address. */
  isV6(id: number): boolean;
  /** True for a multicast address: 224.0.0.0/4 or ff00::/8. */
  isMulticast(id: number): boolean;
}

/** Makes an empty address table. */
export function newAddressTable(): AddressTable {
  const index = new Map<string, number>();
  const bytes: Buffer[] = [];
  const texts: (string | undefined)[] = [];
  return {
    v6(buf, off) {
      const key = buf.toString("latin1", off, off + 16);
      let id = index.get(key);
      if (id === undefined) {
        id = bytes.length;
        bytes.push(Buffer.from(buf.subarray(off, off + 16)));
        index.set(key, id);
      }
      return V6_BASE + id;
    },
    text(id) {
      if (id < V6_BASE) return ipv4Text(id);
      const i = id - V6_BASE;
      return (texts[i] ??= ipv6Text(bytes[i]!, 0));
    },
    isV6: (id) => id >= V6_BASE,
    isMulticast: (id) => (id < V6_BASE ? id >>> 28 === 14 : bytes[id - V6_BASE]![0] === 0xff),
  };
}

/** Dotted-quad text of a uint32 IPv4 address. */
export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text of the IPv6 address at `buf[off]`: lower case, longest zero run (≥ 2 groups) as `::`. */
export function ipv6Text(buf: Buffer, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(buf.readUInt16BE(off + i * 2));
  // IPv4-mapped addresses keep their dotted tail, as tshark prints them.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}
