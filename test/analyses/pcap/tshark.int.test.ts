/**
 * Cross-check against tshark: every capture of the corpus is decoded by netreport and by tshark
 * (files concatenated per batch with mergecap, so tshark starts a few times, not 800), and the
 * addresses, ports and DNS names of each frame must agree wherever both decoded them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../../src/analyses/pcap/read/reader.js";
import { decodeFrame, newDecoded } from "../../../src/analyses/pcap/decode/frame.js";
import { newAddressTable } from "../../../src/analyses/pcap/decode/address.js";
import { parseDns } from "../../../src/analyses/pcap/decode/dns.js";
import { parseHttpRequest } from "../../../src/analyses/pcap/decode/app.js";
import { DNS_DIR, loadIndex } from "./helpers.js";

const hasTshark = spawnSync("tshark", ["-v"]).status === 0 && spawnSync("mergecap", ["-h"]).status === 0;
if (!hasTshark) console.warn("tshark/mergecap not installed: tshark cross-check skipped");

const FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "dns.qry.name", "http.request.method", "http.request.uri", "http.host"];
/** Link types netreport decodes to IP: tshark's IP fields must be matched there. */
const SUPPORTED = new Set(["ether", "linux-sll", "rawip", "rawip4", "rawip6", "null", "ppp", "chdlc"]);

interface Ours {
  v: number;
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  fragment: boolean;
  dns: string | null;
  /** "METHOD uri host" of an HTTP request starting in this frame. */
  http: string | null;
  linkType: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nrp-tshark-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function decodeFiles(files: { path: string; linkType: string }[]): Promise<Ours[]> {
  const addrs = newAddressTable();
  const d = newDecoded();
  const out: Ours[] = [];
  for (const f of files) {
    await readCapture(f.path, (pkt) => {
      decodeFrame(pkt, addrs, d);
      let dns: string | null = null;
      if (d.proto === 17 && (d.sport === 53 || d.dport === 53) && !d.fragment) dns = parseDns(pkt.buf, d.payloadOffset, d.payloadLength)?.questions[0]?.name ?? null;
      let http: string | null = null;
      if (d.proto === 6 && d.payloadLength > 0 && !d.fragment) {
        const r = parseHttpRequest(pkt.buf, d.payloadOffset, d.payloadLength);
        if (r) http = `${r.method} ${r.uri} ${r.host ?? ""}`;
      }
      out.push({
        v: d.ipVersion,
        src: d.ipVersion ? addrs.text(d.src) : "",
        dst: d.ipVersion ? addrs.text(d.dst) : "",
        proto: d.proto,
        sport: d.sport,
        dport: d.dport,
        fragment: d.fragment,
        dns,
        http,
        linkType: f.linkType,
      });
    }).catch(() => undefined);
  }
  return out;
}

function tshark(file: string): string[][] {
  const text = execFileSync("tshark", ["-n", "-r", file, "-T", "fields", "-E", "occurrence=f", ...FIELDS.flatMap((f) => ["-e", f])], { encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "ignore"] });
  return text.split("\n").filter(Boolean).map((l) => l.split("\t"));
}

describe.skipIf(!hasTshark)("decoding agrees with tshark", () => {
  it("over the whole tcpdump corpus and the PCAP-ATTACK captures", async () => {
    const entries = loadIndex().filter((e) => e.packets !== null && e.packets > 0);
    const all = [...entries.map((e) => ({ path: e.path, linkType: e.linkType })), ...["PCAP-ATTACK_C2_Foudre_Backdoor_DGA.pcapng", "PCAP-ATTACK_Exploit_DoS_cve-2020-1350_dns_sig_maxspl0it.pcapng"].map((f) => ({ path: `${DNS_DIR}/${f}`, linkType: "ether" }))];
    const mismatches: string[] = [];
    let compared = { addr: 0, port: 0, dns: 0, http: 0 };
    let ipFramesTshark = 0;
    let missed = 0;
    const oursOnly = new Map<string, string>();
    const BATCH = 150;
    for (let b = 0; b < all.length; b += BATCH) {
      const batch = all.slice(b, b + BATCH);
      const merged = join(dir, `batch${b}.pcapng`);
      execFileSync("mergecap", ["-a", "-F", "pcapng", "-w", merged, ...batch.map((x) => x.path)], { stdio: "ignore" });
      const ours = await decodeFiles(batch);
      const theirs = tshark(merged);
      expect(theirs.length, `frames in batch ${b}`).toBe(ours.length);
      theirs.forEach((t, i) => {
        const o = ours[i]!;
        const [, ipSrc, ipDst, v6Src, v6Dst, tSp, tDp, uSp, uDp, qname, method, uri, host] = t.map((x) => x ?? "");
        const tsharkIp = ipSrc || v6Src;
        if (SUPPORTED.has(o.linkType) && tsharkIp) {
          ipFramesTshark++;
          if (!o.v) missed++;
        }
        const where = `batch ${b} frame ${i + 1} (${batch.length} files)`;
        if (o.v === 4 && ipSrc) {
          compared.addr++;
          if (o.src !== ipSrc || o.dst !== ipDst) mismatches.push(`${where}: ours ${o.src}>${o.dst}, tshark ${ipSrc}>${ipDst}`);
        } else if (o.v === 6 && v6Src) {
          compared.addr++;
          if (o.src !== v6Src || o.dst !== v6Dst) mismatches.push(`${where}: ours ${o.src}>${o.dst}, tshark ${v6Src}>${v6Dst}`);
        }
        if (o.sport >= 0 && !o.fragment) {
          const [sp, dp] = o.proto === 6 ? [tSp, tDp] : o.proto === 17 ? [uSp, uDp] : ["", ""];
          if (sp) {
            compared.port++;
            if (String(o.sport) !== sp || String(o.dport) !== dp) mismatches.push(`${where}: ours ports ${o.sport}>${o.dport}, tshark ${sp}>${dp}`);
          }
        }
        // HTTP: both must see the same requests. tshark reports a request that spans segments on
        // its last one and we on its first, so a request found by one side only must be found by
        // the other later; tshark alone may also see requests on link types we do not decode
        // (ARCnet) and HTTP over UDP (SSDP's M-SEARCH), which are not ours to find.
        const theirsHttp = method ? `${method} ${uri} ${host}` : null;
        if (theirsHttp && o.http !== null) {
          compared.http++;
          if (o.http !== theirsHttp) mismatches.push(`${where}: ours HTTP ${o.http}, tshark ${theirsHttp}`);
        } else if (o.http !== null) {
          oursOnly.set(o.http, where);
        } else if (theirsHttp && SUPPORTED.has(o.linkType) && o.proto === 6) {
          if (oursOnly.delete(theirsHttp)) compared.http++;
          else mismatches.push(`${where}: tshark HTTP ${theirsHttp}, none found by us`);
        }
        if (o.dns && qname && /^[a-z0-9._-]+$/i.test(o.dns)) {
          compared.dns++;
          if (o.dns !== (qname === "<Root>" ? "." : qname)) mismatches.push(`${where}: ours DNS ${o.dns}, tshark ${qname}`);
        }
      });
    }
    console.log(`tshark cross-check: ${compared.addr} address pairs, ${compared.port} port pairs, ${compared.dns} DNS names, ${compared.http} HTTP requests compared; ${missed}/${ipFramesTshark} IP frames of supported link types not decoded`);
    expect(compared.addr).toBeGreaterThan(4000);
    expect(compared.port).toBeGreaterThan(2500);
    expect(compared.dns).toBeGreaterThan(20);
    expect(compared.http).toBeGreaterThan(5);
    for (const [request, where] of oursOnly) mismatches.push(`${where}: ours HTTP ${request}, tshark none`);
    expect(mismatches.slice(0, 30)).toEqual([]);
    expect(missed / ipFramesTshark).toBeLessThan(0.03);
  });
});
