/**
 * Corrupted copies of real captures (made in a temp dir): each gives a NetreportError naming the
 * file, record and byte offset, and every packet before the fault is still analysed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { analysePcap } from "../../../../src/analyses/pcap/analyse.js";
import { isNetreportError, type NetreportError } from "../../../../src/errors.js";
import { DNS_DIR, TCPDUMP_DIR } from "../helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-pcap-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Record offsets of a little-endian classic pcap. */
function pcapRecords(buf: Buffer): number[] {
  const out: number[] = [];
  for (let p = 24; p + 16 <= buf.length; p += 16 + buf.readUInt32LE(p + 8)) out.push(p);
  return out;
}

async function readAll(path: string): Promise<{ n: number; err: NetreportError | null }> {
  let n = 0;
  try {
    await readCapture(path, () => n++);
    return { n, err: null };
  } catch (e) {
    if (!isNetreportError(e)) throw e;
    return { n, err: e };
  }
}

const SRC = `${TCPDUMP_DIR}/AoE_Linux.pcap`; // little-endian pcap, 186 packets

describe("corrupted captures", () => {
  it("truncated inside a record: EPCAP_TRUNCATED with record and offset, earlier packets kept", async () => {
    const orig = readFileSync(SRC);
    const recs = pcapRecords(orig);
    expect(recs.length).toBe(186);
    const cutAt = recs[100]! + 20; // inside record 101's data
    const path = join(dir, "truncated.pcap");
    writeFileSync(path, orig.subarray(0, cutAt));
    const { n, err } = await readAll(path);
    expect(n).toBe(100);
    expect(err?.code).toBe("EPCAP_TRUNCATED");
    expect(err?.where).toBe(`${path} record 101 @ byte ${recs[100]}`);
    const r = await analysePcap([path]);
    expect(r.totals.packets).toBe(100);
    expect(r.errors.map((e) => e.code)).toEqual(["EPCAP_TRUNCATED"]);
    for (const ds of r.datasets) expect(ds.warnings.join(" "), ds.kind).toMatch(/partial.*after 100 packets/);
  });

  it("absurd record length (flipped bytes): EPCAP_RECORD at that record", async () => {
    const buf = Buffer.from(readFileSync(SRC));
    const recs = pcapRecords(buf);
    buf.writeUInt32LE(0x7fff0000, recs[42]! + 8);
    const path = join(dir, "absurd.pcap");
    writeFileSync(path, buf);
    const { n, err } = await readAll(path);
    expect(n).toBe(42);
    expect(err?.code).toBe("EPCAP_RECORD");
    expect(err?.where).toBe(`${path} record 43 @ byte ${recs[42]}`);
    expect(err?.message).toMatch(/2147418112 captured bytes/);
  });

  it("garbage in the middle of a pcapng: EPCAP_RECORD, earlier packets kept", async () => {
    const orig = readFileSync(`${DNS_DIR}/PCAP-ATTACK_Exploit_DoS_cve-2020-1350_dns_sig_maxspl0it.pcapng`);
    // Find block 20's start by walking blocks (little-endian file).
    let p = 0;
    let packets = 0;
    while (packets < 20) {
      const type = orig.readUInt32LE(p);
      if (type === 6) packets++;
      if (packets === 20) break;
      p += orig.readUInt32LE(p + 4);
    }
    const buf = Buffer.from(orig);
    buf.fill(0xee, p + 4, p + 64); // length and body overwritten
    const path = join(dir, "garbage.pcapng");
    writeFileSync(path, buf);
    const { n, err } = await readAll(path);
    expect(n).toBe(19);
    expect(err?.code).toBe("EPCAP_RECORD");
    expect(err?.where).toBe(`${path} record 20 @ byte ${p}`);
  });

  it("wrong magic, empty file, truncated header, missing file", async () => {
    const bad = join(dir, "bad.pcap");
    writeFileSync(bad, Buffer.from("GIF89a this is not a capture at all"));
    expect((await readAll(bad)).err?.code).toBe("EPCAP_MAGIC");
    const empty = join(dir, "empty.pcap");
    writeFileSync(empty, Buffer.alloc(0));
    expect((await readAll(empty)).err?.code).toBe("EPCAP_TRUNCATED");
    const head = join(dir, "head.pcap");
    writeFileSync(head, readFileSync(SRC).subarray(0, 13));
    const h = await readAll(head);
    expect(h.err?.code).toBe("EPCAP_TRUNCATED");
    expect(h.err?.message).toMatch(/file header/);
    const r = await analysePcap([join(dir, "missing.pcap"), SRC]);
    expect(r.errors[0]?.code).toBe("EINPUT");
    expect(r.totals.packets).toBe(186); // the next file is still analysed
  });

  it("gzip-compressed captures read the same; a cut gzip is EPCAP_TRUNCATED after the packets before", async () => {
    const orig = readFileSync(SRC);
    const gz = gzipSync(orig);
    const path = join(dir, "aoe.pcap.gz");
    writeFileSync(path, gz);
    const full = await readAll(path);
    expect(full).toEqual({ n: 186, err: null });
    const cutPath = join(dir, "aoe-cut.pcap.gz");
    writeFileSync(cutPath, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const cut = await readAll(cutPath);
    expect(cut.n).toBeGreaterThan(0);
    expect(cut.n).toBeLessThan(186);
    expect(cut.err?.code).toBe("EPCAP_TRUNCATED");
    expect(cut.err?.where).toContain(cutPath);
  });

  it("random byte flips never crash or hang the reader or the analysis", async () => {
    const orig = readFileSync(`${DNS_DIR}/PCAP-ATTACK_C2_Foudre_Backdoor_DGA.pcapng`);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 60; i++) {
      const buf = Buffer.from(orig);
      for (let k = 0; k < 8; k++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
      const path = join(dir, `flip${i}.pcapng`);
      writeFileSync(path, buf);
      const r = await analysePcap([path]);
      expect(r.totals.packets).toBeLessThanOrEqual(28);
      for (const e of r.errors) expect(e.where).toMatch(/record \d+ @ byte \d+/);
    }
  });
});
