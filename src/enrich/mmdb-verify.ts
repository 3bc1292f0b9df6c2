/**
 * A structural check of a whole MaxMind DB, in the spirit of libmaxminddb's MMDB_verify: the
 * maxmind reader trusts what it reads and turns some corruption into silently wrong values (a
 * double stored in 4 bytes reads as 5e-62), so user-supplied databases are checked once at open.
 *
 *   1. the 16-byte separator after the tree is zero
 *   2. the data section is walked field by field (layout in mmdb-encode.ts): every type known,
 *      fixed sizes right (double 8, float 4, integers within their width, boolean 0/1),
 *      every field and pointer inside the section; field starts are marked in a bitset
 *   3. every search-tree record is a node, "no data", or a pointer to the start of a field; no
 *      record points back to the root, and no path goes deeper than the address has bits
 *
 * Cost: one pass over the file, no allocation per field (about 0.1 s for a 60 MB database).
 */

/** Metadata values the check needs (as the maxmind reader reports them). */
export interface VerifyLayout {
  nodeCount: number;
  recordSize: number;
  /** Byte offset where the metadata marker starts (end of the data section). */
  metadataStart: number;
  /** Address bits of the tree: 32 (ip_version 4) or 128. */
  bits: number;
}

/** Returns null when the database is sound, else what is wrong and where (byte offsets in the file). */
export function verifyMmdb(buf: Buffer, layout: VerifyLayout): string | null {
  const { nodeCount, recordSize, metadataStart } = layout;
  const treeSize = (nodeCount * recordSize) / 4;
  const dataStart = treeSize + 16;
  const dataSize = metadataStart - dataStart;
  if (dataSize < 0) return `search tree of ${nodeCount} nodes runs past the data section`;
  // 1. separator
  for (let i = treeSize; i < dataStart; i++) if (buf[i] !== 0) return `data section separator is not zero at byte ${i}`;

  // 2. data section, one field at a time
  const starts = new Uint8Array(Math.ceil(dataSize / 8) + 1);
  let p = 0;
  while (p < dataSize) {
    const fieldAt = p;
    starts[fieldAt >> 3]! |= 1 << (fieldAt & 7);
    const ctrl = buf[dataStart + p++]!;
    let type = ctrl >> 5;
    if (type === 1) {
      const ss = (ctrl >> 3) & 3;
      const vvv = ctrl & 7;
      const need = ss + 1;
      if (p + need > dataSize) return `pointer at data offset ${fieldAt} runs past the data section`;
      let v = ss === 3 ? 0 : vvv;
      for (let i = 0; i < need; i++) v = v * 256 + buf[dataStart + p + i]!;
      v += [0, 2048, 526_336, 0][ss]!;
      p += need;
      if (v >= dataSize) return `pointer at data offset ${fieldAt} points to ${v}, past the data section (${dataSize} bytes)`;
      continue;
    }
    if (type === 0) {
      if (p >= dataSize) return `extended type at data offset ${fieldAt} is cut off`;
      type = buf[dataStart + p++]! + 7;
      if (type < 8 || type > 15) return `unknown type ${type} at data offset ${fieldAt}`;
    }
    let size = ctrl & 0x1f;
    if (size >= 29) {
      const n = size - 28;
      if (p + n > dataSize) return `size of the field at data offset ${fieldAt} is cut off`;
      let extra = 0;
      for (let i = 0; i < n; i++) extra = extra * 256 + buf[dataStart + p + i]!;
      size = [29, 285, 65_821][n - 1]! + extra;
      p += n;
    }
    const bad = badSize(type, size);
    if (bad) return `${bad} at data offset ${fieldAt} (file byte ${dataStart + fieldAt})`;
    // Maps and arrays give entry counts; their entries follow as fields of their own.
    if (type === 7 || type === 11 || type === 14 || type === 12 || type === 13) continue;
    if (p + size > dataSize) return `field at data offset ${fieldAt} (${size} bytes) runs past the data section`;
    p += size;
  }

  // 3. search tree records, breadth first from the root so each node's depth is known
  const nodeBytes = recordSize / 4;
  const record = (n: number, side: number): number => {
    const at = n * nodeBytes;
    if (recordSize === 24) return buf.readUIntBE(at + side * 3, 3);
    if (recordSize === 32) return buf.readUInt32BE(at + side * 4);
    const nibble = side === 0 ? buf[at + 3]! >> 4 : buf[at + 3]! & 0x0f;
    return nibble * 0x1000000 + buf.readUIntBE(at + side * 4, 3);
  };
  const depth = new Uint8Array(nodeCount); // 0 = not reached yet (the root is depth 1)
  const queue = new Uint32Array(nodeCount);
  depth[0] = 1;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const n = queue[head++]!;
    for (let side = 0; side < 2; side++) {
      const v = record(n, side);
      if (v === 0) return `search tree node ${n} points back to the root`;
      if (v < nodeCount) {
        if (depth[n]! >= layout.bits) return `search tree is deeper than ${layout.bits} bits at node ${n}`;
        if (depth[v] === 0) {
          depth[v] = depth[n]! + 1;
          queue[tail++] = v;
        }
        continue;
      }
      if (v === nodeCount) continue;
      const off = v - nodeCount - 16;
      if (off < 0) return `search tree node ${n} points into the data section separator (record ${v})`;
      if (off >= dataSize) return `search tree node ${n} points past the data section (record ${v})`;
      if (!(starts[off >> 3]! & (1 << (off & 7)))) return `search tree node ${n} points into the middle of a field (data offset ${off})`;
    }
  }
  return null;
}

/** Why `size` is wrong for `type`, or null. */
function badSize(type: number, size: number): string | null {
  switch (type) {
    case 3:
      return size === 8 ? null : `double of ${size} bytes (must be 8)`;
    case 15:
      return size === 4 ? null : `float of ${size} bytes (must be 4)`;
    case 5:
      return size <= 2 ? null : `uint16 of ${size} bytes`;
    case 6:
    case 8:
      return size <= 4 ? null : `${type === 6 ? "uint32" : "int32"} of ${size} bytes`;
    case 9:
      return size <= 8 ? null : `uint64 of ${size} bytes`;
    case 10:
      return size <= 16 ? null : `uint128 of ${size} bytes`;
    case 14:
      return size <= 1 ? null : `boolean of size ${size}`;
    case 13:
      return size === 0 ? null : `end marker of size ${size}`;
    default:
      return null;
  }
}
