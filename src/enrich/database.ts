/**
 * Opening one MaxMind DB file, once, and reading records from it with every failure turned into
 * an EGEOIP_DB error that names the file.
 */
import { readFile } from "node:fs/promises";
import { Reader } from "maxmind";
import { NetreportError } from "../errors.js";
import { verifyMmdb } from "./mmdb-verify.js";
import { METADATA_MARKER } from "./mmdb-writer.js";

/** An opened MaxMind DB. */
export interface MmdbDatabase {
  /** The file it was read from. */
  path: string;
  /** 4 = IPv4 addresses only; 6 = both. */
  ipVersion: 4 | 6;
  /** `database_type` metadata, e.g. `GeoLite2-City`, `GeoIP2-ISP`, `city ipv4`. */
  databaseType: string;
  /** When the database was built. */
  builtAt: Date;
  /** The record for an address (canonical IP text of the database's family), or null. */
  get(ip: string): unknown;
}

/**
 * Reads and checks a MaxMind DB file. Throws EGEOIP_DB naming `path` when it is missing or corrupt.
 * `verify` (default true) walks the whole file once (see mmdb-verify.ts); the embedded databases,
 * checked when packaged, skip it.
 */
export async function openMmdb(path: string, options: { verify?: boolean } = {}): Promise<MmdbDatabase> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new NetreportError("EGEOIP_DB", `GeoIP database ${path} cannot be read${code ? ` (${code})` : ""}`, {
      where: path,
      cause,
      hint: "check the --geoip-db/--asn-db path, or leave it out to use the embedded database",
    });
  }
  return readerFor(path, buf, options.verify ?? true);
}

function corrupt(path: string, what: string, cause?: unknown): NetreportError {
  return new NetreportError("EGEOIP_DB", `GeoIP database ${path} is not a valid MaxMind DB: ${what}`, {
    where: path,
    cause,
    hint: "download the database again, or point --geoip-db/--asn-db at a GeoLite2/GeoIP2 .mmdb file",
  });
}

function readerFor(path: string, buf: Buffer, verify: boolean): MmdbDatabase {
  let reader: Reader<any>;
  try {
    reader = new Reader<any>(buf);
  } catch (cause) {
    throw corrupt(path, cause instanceof Error ? cause.message : String(cause), cause);
  }
  const m = reader.metadata;
  // The reader trusts node_count; a tree that would run past the data section is corrupt.
  const metadataStart = buf.lastIndexOf(METADATA_MARKER);
  if (m.ipVersion !== 4 && m.ipVersion !== 6) throw corrupt(path, `ip_version ${String(m.ipVersion)}`);
  if (![24, 28, 32].includes(m.recordSize)) throw corrupt(path, `record_size ${String(m.recordSize)}`);
  if (!(m.nodeCount > 0) || m.searchTreeSize + 16 > metadataStart) {
    throw corrupt(path, `node_count ${m.nodeCount} puts the search tree past the data section (${metadataStart} bytes)`);
  }
  if (verify) {
    const problem = verifyMmdb(buf, { nodeCount: m.nodeCount, recordSize: m.recordSize, metadataStart, bits: m.ipVersion === 4 ? 32 : 128 });
    if (problem) throw corrupt(path, problem);
  }
  return {
    path,
    ipVersion: m.ipVersion as 4 | 6,
    databaseType: String(m.databaseType),
    builtAt: m.buildEpoch,
    get(ip: string): unknown {
      try {
        return reader.get(ip);
      } catch (cause) {
        throw new NetreportError("EGEOIP_DB", `GeoIP database ${path} is corrupt: reading the record for ${ip} failed (${cause instanceof Error ? cause.message : String(cause)})`, {
          where: path,
          cause,
          hint: "download the database again",
        });
      }
    },
  };
}
