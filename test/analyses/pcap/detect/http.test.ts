/**
 * The HTTP paths of the detectors with the hot loop's habits: one request object reused for every
 * request, the same Host and targets over and over. A DGA-style Host is still reported (with or
 * without a port, however often it repeats), a LOIC download still found among thousands of
 * ordinary GETs, and only GETs count.
 */
import { describe, expect, it } from "vitest";
import { dnsFlux } from "../../../../src/analyses/pcap/detect/flux.js";
import { loicDownload } from "../../../../src/analyses/pcap/detect/loic.js";
import { newAddressTable } from "../../../../src/analyses/pcap/decode/address.js";
import { newDecoded } from "../../../../src/analyses/pcap/decode/frame.js";
import { newRawPacket } from "../../../../src/analyses/pcap/read/packet.js";
import { DEFAULT_THRESHOLDS } from "../../../../src/analyses/pcap/thresholds.js";
import { provenance } from "../../../../src/dataset/index.js";
import type { CollectContext, Collector } from "../../../../src/analyses/pcap/collector.js";
import type { HttpRequest } from "../../../../src/analyses/pcap/decode/app.js";

const ctx = (): CollectContext => ({ addrs: newAddressTable(), thresholds: DEFAULT_THRESHOLDS, file: "t.pcap", provenance: provenance("pcap", {}), warnings: [] });

/** Feeds `requests` through one reused request object, client 198.18.16.2 → server 198.18.16.1. */
function feed(c: Collector, requests: [method: string, uri: string, host: string | null][]) {
  const x = ctx();
  const pkt = newRawPacket();
  const d = newDecoded();
  d.src = 0xc6121002;
  d.dst = 0xc6121001;
  const req: HttpRequest = { method: "", uri: "", host: null, userAgent: () => null };
  requests.forEach(([method, uri, host], i) => {
    pkt.index = i + 1;
    pkt.tsUs = 1_700_000_000_000_000 + i;
    Object.assign(req, { method, uri, host });
    c.http!(req, pkt, d, x);
  });
  return c.finish(x).findings ?? [];
}

describe("detectors on HTTP requests", () => {
  it("reports a DGA-style Host however often it repeats, with or without a port", () => {
    const plain = Array.from({ length: 500 }, (_, i) => ["GET", `/p${i % 5}`, "www.example.test"] as [string, string, string]);
    const withDga = [...plain, ...Array.from({ length: 100 }, () => ["GET", "/de/", "db54a845.top"] as [string, string, string])];
    const f1 = feed(dnsFlux(), withDga);
    expect(f1.map((f) => f.rule)).toEqual(["pcap.dga-hostname"]);
    expect(JSON.stringify(f1[0])).toContain("db54a845.top");
    expect(JSON.stringify(f1[0]?.evidence[0]?.packets)).toContain("501");
    const f2 = feed(dnsFlux(), [...plain, ["GET", "/", "a1b2c3d4e5.top:8080"]]);
    expect(JSON.stringify(f2)).toContain("a1b2c3d4e5.top");
    expect(feed(dnsFlux(), plain)).toEqual([]);
  });

  it("finds a LOIC download among thousands of ordinary GETs, and only GETs", () => {
    const ordinary = Array.from({ length: 3000 }, (_, i) => ["GET", ["/", "/a.js", "/b.css"][i % 3]!, "site.test"] as [string, string, string]);
    const found = feed(loicDownload(), [...ordinary, ["GET", "/files/LOIC_v1.1.ZIP", "dl.test"], ...ordinary]);
    expect(found).toHaveLength(1);
    expect(found[0]?.evidence.map((e) => e.packets)).toEqual([[3001]]);
    expect(found[0]?.evidence[0]?.data).toMatchObject({ uri: "/files/LOIC_v1.1.ZIP", host: "dl.test" });
    expect(feed(loicDownload(), [["POST", "/files/LOIC_v1.1.ZIP", "dl.test"], ["HEAD", "/LOIC.zip", null]])).toEqual([]);
  });
});
