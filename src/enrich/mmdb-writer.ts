/**
 * A MaxMind DB (MMDB 2.0) writer: networks with JSON-ish data → a file any MaxMind reader opens.
 *
 *   insert(network, data) ──► binary trie of typed-array nodes ──┐
 *                └─► DataSectionWriter (de-duplicated values) ───┤
 *   toBuffer(): 1. choose the record size   2. search tree   3. 16 zero bytes
 *               4. data section   5. "\xAB\xCD\xEFMaxMind.com" + metadata map
 *
 * Overlaps: a more specific network always wins over a less specific one, whatever the insertion
 * order; for the same network the last insert wins. IPv4 networks in an IPv6 database go under
 * ::/96, where MaxMind readers look IPv4 addresses up. No ::ffff:0:0/96 or 2002::/16 aliases are
 * written: netreport looks mapped addresses up as the IPv4 address they carry.
 */
import { NetreportError } from "../errors.js";
import { bitAt, parseCidr } from "./ip.js";
import { DataSectionWriter, mmdbTyped, type MmdbValue } from "./mmdb-encode.js";

/** Options of an {@link MmdbBuilder}. */
export interface MmdbOptions {
  /** `database_type` metadata, e.g. `netreport-ASN`. Names starting with "GeoIP" are MaxMind's. */
  databaseType: string;
  /** `description` metadata: a plain string is stored as English; or a map of locale → text. */
  description?: string | Record<string, string>;
  /** 4: only IPv4 networks; 6: both (IPv4 under ::/96). Default 6. */
  ipVersion?: 4 | 6;
  /** Bits per search-tree record. Default: the smallest of 24, 28, 32 that fits. */
  recordSize?: 24 | 28 | 32;
  /** `languages` metadata (locales the records carry names in). Default none. */
  languages?: string[];
  /** `build_epoch` metadata, seconds since 1970. Default now. */
  buildEpoch?: number;
}

/** One network and its record, for {@link writeMmdb}. */
export interface MmdbEntry {
  /** CIDR (`1.2.3.0/24`, `2001:db8::/32`, `::1.2.3.0/120`); a bare address is a host route. */
  network: string;
  /** The record returned for addresses in the network. */
  data: MmdbValue;
}

// Build-time record encoding in one Uint32Array (two slots per node): 0 = empty (root, node 0,
// is never a child), 1..2^31−1 = node index, DATA | i = the i-th distinct data offset.
const EMPTY = 0;
const DATA = 0x8000_0000;

/** An incremental MMDB writer; use it directly to stream millions of networks in. */
export class MmdbBuilder {
  private readonly opts: Required<Omit<MmdbOptions, "recordSize">> & { recordSize?: 24 | 28 | 32 };
  private records = new Uint32Array(1 << 16);
  /** Prefix length of the network that set each data record (to let more specific ones win). */
  private origin = new Uint8Array(1 << 16);
  private nodes = 1;
  private readonly data = new DataSectionWriter();
  private readonly dataOffsets: number[] = [];
  private readonly dataIds = new Map<number, number>();
  /** Records passed in again as the same object skip re-encoding (bulk conversion reuses them). */
  private readonly refsByObject = new WeakMap<object, number>();

  constructor(options: MmdbOptions) {
    this.opts = {
      ipVersion: 6,
      languages: [],
      buildEpoch: Math.floor(Date.now() / 1000),
      ...options,
      description: options.description ?? {},
    };
  }

  /** Search-tree nodes so far. */
  get nodeCount(): number {
    return this.nodes;
  }

  /** Inserts a network given as CIDR text. Throws EGEOIP_DB for bad CIDRs or families. */
  insert(network: string, data: MmdbValue): void {
    const cidr = parseCidr(network);
    if (!cidr) throw new NetreportError("EGEOIP_DB", `cannot write MMDB: "${network}" is not a CIDR network`);
    this.insertBytes(cidr.bytes, cidr.prefix, data);
  }

  /**
   * Inserts a network given as network-order bytes (4 or 16) and a prefix length in bits: the
   * fast path for bulk conversion. An IPv4 network in an IPv6 tree lands under ::/96.
   */
  insertBytes(bytes: Uint8Array, prefix: number, data: MmdbValue): void {
    const ref = this.dataRef(data);
    let key = bytes;
    let bits = prefix;
    if (this.opts.ipVersion === 6 && bytes.length === 4) {
      key = new Uint8Array(16);
      key.set(bytes, 12);
      bits = prefix + 96;
    } else if (this.opts.ipVersion === 4 && bytes.length !== 4) {
      throw new NetreportError("EGEOIP_DB", "cannot write an IPv6 network into an IPv4 MMDB", {
        hint: "use ipVersion 6 for databases that hold IPv6 networks",
      });
    }
    if (bits === 0) return this.fillNode(0, ref, 0); // the whole address space
    let node = 0;
    for (let depth = 0; depth < bits - 1; depth++) {
      const slot = node * 2 + bitAt(key, depth);
      const r = this.records[slot]!;
      if (r !== EMPTY && r < DATA) {
        node = r;
        continue;
      }
      // Empty or a less specific network's data: split it so both halves keep what they had.
      const child = this.newNode();
      this.records[child * 2] = r;
      this.records[child * 2 + 1] = r;
      this.origin[child * 2] = this.origin[slot]!;
      this.origin[child * 2 + 1] = this.origin[slot]!;
      this.records[slot] = child;
      node = child;
    }
    const slot = node * 2 + bitAt(key, bits - 1);
    const r = this.records[slot]!;
    if (r !== EMPTY && r < DATA) this.fillNode(r, ref, bits);
    else {
      this.records[slot] = ref;
      this.origin[slot] = bits;
    }
  }

  /** Fills every record below `node` that is empty or set by a network shorter than `bits`. */
  private fillNode(node: number, ref: number, bits: number): void {
    this.fillSlot(node * 2, ref, bits);
    this.fillSlot(node * 2 + 1, ref, bits);
  }

  private fillSlot(slot: number, ref: number, bits: number): void {
    const r = this.records[slot]!;
    if (r !== EMPTY && r < DATA) return this.fillNode(r, ref, bits);
    if (r === EMPTY || this.origin[slot]! <= bits) {
      this.records[slot] = ref;
      this.origin[slot] = bits;
    }
  }

  private newNode(): number {
    if ((this.nodes + 1) * 2 > this.records.length) {
      const grown = new Uint32Array(this.records.length * 2);
      grown.set(this.records);
      this.records = grown;
      const origin = new Uint8Array(this.origin.length * 2);
      origin.set(this.origin);
      this.origin = origin;
    }
    return this.nodes++;
  }

  private dataRef(value: MmdbValue): number {
    const known = typeof value === "object" ? this.refsByObject.get(value) : undefined;
    if (known !== undefined) return known;
    const offset = this.data.write(value);
    let id = this.dataIds.get(offset);
    if (id === undefined) {
      id = this.dataOffsets.length;
      this.dataOffsets.push(offset);
      this.dataIds.set(offset, id);
    }
    const ref = (DATA | id) >>> 0;
    if (typeof value === "object") this.refsByObject.set(value, ref);
    return ref;
  }

  /** Serialises the database. The builder may be inserted into and serialised again. */
  toBuffer(): Buffer {
    const nodeCount = this.nodes;
    const dataBytes = this.data.bytes();
    // 1. The largest record value is a pointer just past the data section's last field.
    const maxValue = nodeCount + 16 + dataBytes.length;
    const fits = (size: number) => maxValue < 2 ** size;
    const recordSize = this.opts.recordSize ?? ([24, 28, 32] as const).find(fits);
    if (recordSize === undefined || !fits(recordSize)) {
      throw new NetreportError("EGEOIP_DB", `cannot write MMDB: ${nodeCount} nodes and ${dataBytes.length} data bytes do not fit ${recordSize ?? 32}-bit records`);
    }
    // 2. Search tree: each node is two big-endian records (28-bit: high nibbles share the middle byte).
    const nodeBytes = recordSize / 4;
    const treeSize = nodeCount * nodeBytes;
    const metadata = this.metadata(nodeCount, recordSize);
    const out = Buffer.alloc(treeSize + 16 + dataBytes.length + METADATA_MARKER.length + metadata.length);
    const value = (r: number): number => (r === EMPTY ? nodeCount : r >= DATA ? nodeCount + 16 + this.dataOffsets[r - DATA]! : r);
    for (let n = 0; n < nodeCount; n++) {
      const left = value(this.records[n * 2]!);
      const right = value(this.records[n * 2 + 1]!);
      const at = n * nodeBytes;
      if (recordSize === 24) {
        out.writeUIntBE(left, at, 3);
        out.writeUIntBE(right, at + 3, 3);
      } else if (recordSize === 28) {
        out.writeUIntBE(left & 0xffffff, at, 3);
        out[at + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
        out.writeUIntBE(right & 0xffffff, at + 4, 3);
      } else {
        out.writeUInt32BE(left, at);
        out.writeUInt32BE(right, at + 4);
      }
    }
    // 3. The 16-byte separator is already zero; 4. data; 5. marker and metadata.
    let at = treeSize + 16;
    out.set(dataBytes, at);
    at += dataBytes.length;
    out.set(METADATA_MARKER, at);
    out.set(metadata, at + METADATA_MARKER.length);
    return out;
  }

  private metadata(nodeCount: number, recordSize: number): Buffer {
    const { description, databaseType, ipVersion, languages, buildEpoch } = this.opts;
    const w = new DataSectionWriter(false);
    w.write({
      binary_format_major_version: typed16(2),
      binary_format_minor_version: typed16(0),
      build_epoch: BigInt(buildEpoch),
      database_type: databaseType,
      description: typeof description === "string" ? { en: description } : description,
      ip_version: typed16(ipVersion),
      languages,
      node_count: nodeCount,
      record_size: typed16(recordSize),
    });
    return Buffer.from(w.bytes());
  }
}

const typed16 = (n: number) => mmdbTyped("uint16", n);

/** Marks the start of the metadata section; readers search for its last occurrence. */
export const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from("MaxMind.com", "ascii")]);

/**
 * Writes a whole MaxMind DB from a list of networks. See {@link MmdbBuilder} for the overlap rule.
 *
 * @example writeMmdb({ databaseType: "Test-ASN", ipVersion: 6, entries: [
 *   { network: "198.18.0.0/24", data: { autonomous_system_number: 64512, autonomous_system_organization: "Lab" } }] })
 */
export function writeMmdb(options: MmdbOptions & { entries: Iterable<MmdbEntry> }): Buffer {
  const { entries, ...rest } = options;
  const builder = new MmdbBuilder(rest);
  for (const e of entries) builder.insert(e.network, e.data);
  return builder.toBuffer();
}
