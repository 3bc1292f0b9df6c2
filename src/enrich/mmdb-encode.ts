/**
 * The MaxMind DB data-section encoding (MaxMind DB File Format Specification 2.0, "Output Data
 * Section"): JSON-ish values → bytes, with repeated strings and containers written once and
 * referred to by pointers.
 *
 * Wire layout of one field:
 *   control byte  TTTSSSSS   TTT = type 1–7; 000 = extended type in the next byte (type − 7)
 *   [ext type]    one byte, only for types 8–15
 *   [size bytes]  SSSSS < 29: size itself; 29: 29 + 1 byte; 30: 285 + 2 bytes; 31: 65,821 + 3 bytes
 *   payload       big-endian; maps and arrays give a count of entries, not bytes, and are followed
 *                 by their entries (map: key string then value, repeated)
 * Pointers (type 1) are 001SSVVV: SS = 0 → 11-bit value (VVV + 1 byte); 1 → 19 bits + 2,048;
 * 2 → 27 bits + 526,336; 3 → the next 4 bytes (VVV ignored). A pointer never points to a pointer.
 */
import { NetreportError } from "../errors.js";

/** MaxMind DB type numbers. */
export const MmdbType = {
  pointer: 1,
  string: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/** Names of the scalar types a value can be forced to with {@link mmdbTyped}. */
export type MmdbScalarType = "double" | "float" | "uint16" | "uint32" | "int32" | "uint64" | "uint128";

/**
 * A number forced to one MaxMind type, for when inference (below) would choose another, e.g. a
 * whole-number latitude that must stay a double. Make with {@link mmdbTyped}.
 */
export class MmdbTyped {
  constructor(
    readonly type: MmdbScalarType,
    readonly value: number | bigint,
  ) {}
  /** Keeps typed values apart from plain ones in the de-duplication key. */
  toJSON(): string {
    return `\u0000${this.type}:${String(this.value)}`;
  }
}

/** Forces `value` to be written as MaxMind type `type`. */
export function mmdbTyped(type: MmdbScalarType, value: number | bigint): MmdbTyped {
  return new MmdbTyped(type, value);
}

/**
 * What can be written. Numbers are inferred: a whole number in 0…2³²−1 → uint32, a negative whole
 * number ≥ −2³¹ → int32, anything else → double. A bigint → uint64 (uint128 past 2⁶⁴). Uint8Array →
 * bytes. `undefined` map values are left out; `null` is refused (the format has no null).
 */
export type MmdbValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | MmdbTyped
  | readonly MmdbValue[]
  | { readonly [key: string]: MmdbValue | undefined };

/** A growable byte buffer with big-endian writers. */
class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b & 0xff;
  }
  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }
  utf8(s: string): void {
    const n = Buffer.byteLength(s, "utf8");
    this.ensure(n);
    this.length += this.buf.write(s, this.length, "utf8");
  }
  double(x: number): void {
    this.ensure(8);
    this.length = this.buf.writeDoubleBE(x, this.length);
  }
  float(x: number): void {
    this.ensure(4);
    this.length = this.buf.writeFloatBE(x, this.length);
  }
  /** `n` as exactly `width` big-endian bytes. */
  uint(n: bigint, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.byte(Number((n >> BigInt(i * 8)) & 0xffn));
  }
}

/** Bytes needed for an unsigned integer, leading zero bytes left out (0 needs none). */
function minimalWidth(n: bigint): number {
  let w = 0;
  while (n >> BigInt(w * 8) !== 0n) w++;
  return w;
}

/** The de-duplication key of a container: its JSON text, with bigints spelled out. */
function keyOf(value: MmdbValue): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `\u0000n:${v}` : v));
}

function fail(message: string): never {
  throw new NetreportError("EGEOIP_DB", `cannot encode MMDB value: ${message}`, {
    hint: "MMDB values are strings, numbers, bigints, booleans, byte arrays, arrays and maps",
  });
}

/**
 * Encodes values into one data section. `write` returns the data-section offset of the value, the
 * number a search-tree record points at (plus node count + 16).
 */
export class DataSectionWriter {
  private readonly out = new Bytes();
  /** Offsets of strings already written inline, by text. */
  private readonly strings = new Map<string, number>();
  /** Offsets of maps and arrays already written, by their JSON text. */
  private readonly containers = new Map<string, number>();
  /** When false, nothing is de-duplicated (the metadata section must not use pointers). */
  constructor(private readonly dedupe = true) {}

  /** Bytes written so far. */
  get size(): number {
    return this.out.length;
  }

  /** The encoded section (a view, valid until the next write). */
  bytes(): Buffer {
    return this.out.buf.subarray(0, this.out.length);
  }

  /** Writes `value` (or finds an identical one already written) and returns its offset. */
  write(value: MmdbValue): number {
    if (this.dedupe && typeof value === "object" && !(value instanceof Uint8Array) && !(value instanceof MmdbTyped)) {
      const key = keyOf(value);
      const seen = this.containers.get(key);
      if (seen !== undefined) return seen;
      const at = this.out.length;
      this.field(value, false);
      this.containers.set(key, at);
      return at;
    }
    const at = this.out.length;
    this.field(value, false);
    return at;
  }

  private header(type: number, size: number): void {
    const o = this.out;
    const typeBits = type <= 7 ? type << 5 : 0;
    const ext = type > 7 ? [type - 7] : [];
    if (size < 29) {
      o.byte(typeBits | size);
      ext.forEach((b) => o.byte(b));
    } else if (size < 285) {
      o.byte(typeBits | 29);
      ext.forEach((b) => o.byte(b));
      o.byte(size - 29);
    } else if (size < 65_821) {
      o.byte(typeBits | 30);
      ext.forEach((b) => o.byte(b));
      o.uint(BigInt(size - 285), 2);
    } else if (size < 16_843_037) {
      o.byte(typeBits | 31);
      ext.forEach((b) => o.byte(b));
      o.uint(BigInt(size - 65_821), 3);
    } else {
      fail(`a field of ${size} bytes or entries exceeds the format's limit of 16,843,036`);
    }
  }

  private pointer(offset: number): void {
    const o = this.out;
    if (offset < 2048) {
      o.byte(0x20 | (offset >> 8));
      o.byte(offset);
    } else if (offset < 526_336) {
      const v = offset - 2048;
      o.byte(0x28 | (v >> 16));
      o.uint(BigInt(v & 0xffff), 2);
    } else if (offset < 134_744_064) {
      const v = offset - 526_336;
      o.byte(0x30 | (v >>> 24));
      o.uint(BigInt(v & 0xffffff), 3);
    } else {
      o.byte(0x38);
      o.uint(BigInt(offset), 4);
    }
  }

  /** Writes one field; inside a container, repeated strings and containers become pointers. */
  private field(value: MmdbValue, nested: boolean): void {
    if (typeof value === "string") return this.string(value, nested);
    if (typeof value === "boolean") return this.header(MmdbType.boolean, value ? 1 : 0);
    if (typeof value === "number") return this.number(value);
    if (typeof value === "bigint") return this.integer(value < 1n << 64n ? "uint64" : "uint128", value);
    if (value instanceof MmdbTyped) return this.typed(value);
    if (value instanceof Uint8Array) {
      this.header(MmdbType.bytes, value.length);
      return this.out.raw(value);
    }
    if (value === null || typeof value !== "object") fail(`unsupported value ${String(value)}`);
    if (nested && this.dedupe) {
      const key = keyOf(value);
      const seen = this.containers.get(key);
      if (seen !== undefined) return this.pointer(seen);
      this.containers.set(key, this.out.length);
    }
    if (Array.isArray(value)) {
      this.header(MmdbType.array, value.length);
      for (const v of value as readonly MmdbValue[]) this.field(v, true);
      return;
    }
    const entries = Object.entries(value as Record<string, MmdbValue | undefined>).filter(([, v]) => v !== undefined);
    this.header(MmdbType.map, entries.length);
    for (const [k, v] of entries) {
      this.string(k, true);
      this.field(v!, true);
    }
  }

  private string(s: string, nested: boolean): void {
    if (nested && this.dedupe && s.length >= 3) {
      const seen = this.strings.get(s);
      if (seen !== undefined) return this.pointer(seen);
      this.strings.set(s, this.out.length);
    }
    this.header(MmdbType.string, Buffer.byteLength(s, "utf8"));
    this.out.utf8(s);
  }

  private number(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff) return this.integer("uint32", BigInt(n));
    if (Number.isInteger(n) && n < 0 && n >= -0x8000_0000) return this.integer("int32", BigInt(n));
    this.header(MmdbType.double, 8);
    this.out.double(n);
  }

  private typed(t: MmdbTyped): void {
    if (t.type === "double" || t.type === "float") {
      const x = Number(t.value);
      this.header(MmdbType[t.type], t.type === "double" ? 8 : 4);
      return t.type === "double" ? this.out.double(x) : this.out.float(x);
    }
    if (typeof t.value === "number" && !Number.isInteger(t.value)) fail(`${t.type} needs a whole number, got ${t.value}`);
    this.integer(t.type, BigInt(t.value));
  }

  private integer(type: "uint16" | "uint32" | "int32" | "uint64" | "uint128", n: bigint): void {
    if (type === "int32") {
      if (n < -(1n << 31n) || n >= 1n << 31n) fail(`${n} does not fit int32`);
      // Always 4 bytes: a shorter field would lose the sign for readers that sign-extend.
      this.header(MmdbType.int32, 4);
      return this.out.uint(BigInt.asUintN(32, n), 4);
    }
    const bits = { uint16: 16n, uint32: 32n, uint64: 64n, uint128: 128n }[type];
    if (n < 0n || n >= 1n << bits) fail(`${n} does not fit ${type}`);
    const width = minimalWidth(n);
    this.header(MmdbType[type], width);
    this.out.uint(n, width);
  }
}
