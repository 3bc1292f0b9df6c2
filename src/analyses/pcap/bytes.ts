/**
 * Plain byte reads for the hot loops (record headers, frame headers). Buffer's readUInt* methods
 * bounds-check every call; callers here have already checked the bytes are present. Small
 * module-level functions, so every call site can inline them.
 */

/** Big-endian 16-bit value at `o`. */
export function u16be(b: Buffer, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Big-endian unsigned 32-bit value at `o`. */
export function u32be(b: Buffer, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Little-endian unsigned 32-bit value at `o`. */
export function u32le(b: Buffer, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
