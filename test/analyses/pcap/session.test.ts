/**
 * The session's per-packet bookkeeping on frames built here: records fed by a caller of the public
 * API (which may set `buf` alone), and the port and endpoint counters with keys interleaved.
 */
import { describe, expect, it } from "vitest";
import { createPcapSession, type PcapResult } from "../../../src/analyses/pcap/session.js";
import type { RawPacket } from "../../../src/analyses/pcap/read/packet.js";
import type { EndpointRow } from "../../../src/analyses/pcap/summarise/endpoints.js";
import type { PortRow } from "../../../src/analyses/pcap/summarise/traffic.js";
import { analyse, ip, tcpFrame, udpFrame } from "./frames.js";

const T0 = Date.UTC(2026, 0, 1) * 1000;
const rowsOf = <R>(r: PcapResult, kind: string) => r.datasets.find((d) => d.kind === kind)!.rows as R[];

describe("pcap session", () => {
  it("decodes each record's own frame when a caller reuses the record and sets buf alone, or gives no view", () => {
    const a = tcpFrame(ip("198.18.16.1"), ip("198.18.16.2"), 40000, 80, 0x02);
    const b = tcpFrame(ip("198.18.16.1"), ip("198.18.16.3"), 40001, 443, 0x02);
    const s = createPcapSession();
    s.beginSource("api");
    // As a JavaScript caller of the public session may build it: no view at all.
    const pkt = { index: 1, buf: a, offset: 0, caplen: a.length, origLen: a.length, tsUs: T0, linkType: 1, iface: 0, fileOffset: 0 } as RawPacket;
    s.feed(pkt);
    Object.assign(pkt, { index: 2, buf: b }); // the next frame, view left on the first
    s.feed(pkt);
    s.endSource("api");
    const eps = rowsOf<EndpointRow>(s.finish(), "pcapEndpoints");
    expect(eps.map((e) => [e.ip, e.packetsSent, e.packetsReceived]).sort()).toEqual([
      ["198.18.16.1", 2, 0],
      ["198.18.16.2", 0, 1],
      ["198.18.16.3", 0, 1],
    ]);
  });

  it("counts each port and each endpoint's sent and received packets with keys interleaved", () => {
    const c = ip("198.18.16.1");
    const w = ip("198.18.16.2");
    const d = ip("198.18.16.3");
    const frames: Buffer[] = [
      tcpFrame(c, w, 40000, 80, 0x18, 64, 10),
      tcpFrame(c, w, 40001, 443, 0x18, 64, 20),
      tcpFrame(w, c, 80, 40000, 0x18, 64, 30),
      udpFrame(c, d, 50000, 80, 5), // UDP/80 is not TCP/80
      tcpFrame(c, w, 40000, 80, 0x10),
      udpFrame(c, d, 50001, 53, 7),
      tcpFrame(w, c, 443, 40001, 0x18, 64, 40),
    ];
    const r = analyse(frames.map((f, i) => [f, T0 + i] as [Buffer, number]));
    const ports = rowsOf<PortRow>(r, "pcapPorts").map((p) => [p.protocol, p.port, p.packets, p.bytes]);
    const len = (i: number) => frames[i]!.length;
    expect(ports.sort()).toEqual(
      [
        ["TCP", 80, 3, len(0) + len(2) + len(4)],
        ["TCP", 443, 2, len(1) + len(6)],
        ["UDP", 53, 1, len(5)],
        ["UDP", 80, 1, len(3)],
      ].sort(),
    );
    const eps = new Map(rowsOf<EndpointRow>(r, "pcapEndpoints").map((e) => [e.ip, [e.packetsSent, e.packetsReceived, e.bytesSent, e.bytesReceived]]));
    expect(eps.get("198.18.16.1")).toEqual([5, 2, len(0) + len(1) + len(3) + len(4) + len(5), len(2) + len(6)]);
    expect(eps.get("198.18.16.2")).toEqual([2, 3, len(2) + len(6), len(0) + len(1) + len(4)]);
    expect(eps.get("198.18.16.3")).toEqual([0, 2, 0, len(3) + len(5)]);
  });
});
