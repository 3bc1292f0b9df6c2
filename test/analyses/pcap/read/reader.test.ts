import { describe, expect, it } from "vitest";
import { readCapture } from "../../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { isNetreportError } from "../../../../src/errors.js";
import { DNS_DIR, loadIndex } from "../helpers.js";

const index = loadIndex();

describe("readCapture over the tcpdump corpus", () => {
  it("reads every capture without crash or hang, with capinfos' packet count and tshark's cut-frame count", async () => {
    expect(index.length).toBeGreaterThan(800);
    const addrs = newAddressTable();
    const d = newDecoded();
    const mismatches: string[] = [];
    let checked = 0;
    for (const e of index) {
      let n = 0;
      let cut = 0;
      try {
        await readCapture(e.path, (pkt) => {
          n++;
          if (pkt.caplen < pkt.origLen) cut++;
          decodeFrame(pkt, addrs, d); // must not throw on any real frame
        });
      } catch (err) {
        if (!isNetreportError(err)) throw err;
        expect(err.where).toContain(e.file);
        expect(err.where).toMatch(/record \d+ @ byte \d+/);
      }
      if (e.packets !== null) {
        checked++;
        if (n !== e.packets) mismatches.push(`${e.file}: ${n} packets, capinfos ${e.packets}`);
        if (e.cutFrames !== null && cut !== e.cutFrames) mismatches.push(`${e.file}: ${cut} cut frames, tshark ${e.cutFrames}`);
      }
    }
    expect(checked).toBeGreaterThan(800);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it("reads both byte orders and nanosecond files with the right time base", async () => {
    const kinds = new Set(index.map((e) => e.magic));
    for (const magic of ["d4c3b2a1", "a1b2c3d4", "4d3cb2a1", "0a0d0d0a"]) expect(kinds).toContain(magic);
    for (const e of index.filter((x) => x.magic === "4d3cb2a1" || x.magic === "a1b2c3d4").slice(0, 6)) {
      let first = 0;
      await readCapture(e.path, (pkt) => {
        if (!first) first = pkt.tsUs;
      });
      // Real captures were made between 1990 and 2030.
      expect(first / 1e6, e.file).toBeGreaterThan(631152000);
      expect(first / 1e6, e.file).toBeLessThan(1893456000);
    }
  });

  it("reads the PCAP-ATTACK pcapng captures: 28 and 50 frames", async () => {
    for (const [f, want] of [["PCAP-ATTACK_C2_Foudre_Backdoor_DGA.pcapng", 28], ["PCAP-ATTACK_Exploit_DoS_cve-2020-1350_dns_sig_maxspl0it.pcapng", 50]] as const) {
      let n = 0;
      let bytes = 0;
      const r = await readCapture(`${DNS_DIR}/${f}`, (pkt) => {
        n++;
        bytes += pkt.origLen;
      });
      expect(n).toBe(want);
      expect(r.packets).toBe(want);
      expect(r.format).toMatch(/^pcapng/);
      expect(bytes).toBe(f.includes("DGA") ? 8527 : 68922);
    }
  });
});
