/**
 * /proc/net/{tcp,udp}[6] parsing against the shared fixtures (prometheus/procfs, eminence/procfs
 * and the kernel's proc_net_tcp documentation; see ../shared/data/proc/EXPECTED.md).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { decodeProcAddress, isListening, parseProcNetSockets } from "../../../src/analyses/sessions/procNet.js";

const dir = resolve(import.meta.dirname, "../../../../shared/data/proc/prometheus-procfs");
const fixture = (name: string) => readFileSync(resolve(dir, name), "utf8");
// The fixtures were written on little-endian machines.
const LE = true;

describe("decodeProcAddress", () => {
  it("decodes the eminence/procfs vectors", () => {
    expect(decodeProcAddress("0100007F:1234", LE)).toEqual({ address: "127.0.0.1", port: 4660, family: 4 });
    expect(decodeProcAddress("5014002A14080140000000000E200000:0050", LE)).toEqual({ address: "2a00:1450:4001:814::200e", port: 80, family: 6 });
    expect(decodeProcAddress("B80D01200000000067452301EFCDAB89:0", LE)).toEqual({ address: "2001:db8::123:4567:89ab:cdef", port: 0, family: 6 });
    expect(decodeProcAddress("1234:1234", LE)).toBeNull();
  });

  it("reads the words in big-endian order when told so", () => {
    expect(decodeProcAddress("7F000001:0016", false)?.address).toBe("127.0.0.1");
  });

  it("shows IPv4-mapped IPv6 addresses as ss does", () => {
    expect(decodeProcAddress("0000000000000000FFFF00000100007F:1F90", LE)).toEqual({ address: "::ffff:127.0.0.1", port: 8080, family: 6 });
  });

  it("rejects addresses that are not hex or have a bad port", () => {
    expect(decodeProcAddress("0100007G:0016", LE)).toBeNull();
    expect(decodeProcAddress("0100007F:12345", LE)).toBeNull();
    expect(decodeProcAddress("0100007F", LE)).toBeNull();
  });
});

describe("parseProcNetSockets", () => {
  it("reads prometheus/procfs tcp: three LISTEN sockets on port 22 with their queues", () => {
    const { sockets, problems } = parseProcNetSockets(fixture("tcp"), { protocol: "tcp", littleEndian: LE, file: "tcp" });
    expect(problems).toEqual([]);
    expect(sockets.map((s) => [s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.txQueue, s.rxQueue, s.uid, s.inode])).toEqual([
      ["10.0.0.5", 22, "0.0.0.0", 0, "LISTEN", 0, 1, 0, 2740],
      ["0.0.0.0", 22, "0.0.0.0", 0, "LISTEN", 1, 0, 0, 2740],
      ["0.0.0.0", 22, "0.0.0.0", 0, "LISTEN", 1, 1, 0, 2740],
    ]);
    // Test_newNetTCPSummary: TxQueueLength 2, RxQueueLength 2, UsedSockets 3.
    expect(sockets.reduce((a, s) => a + s.txQueue, 0)).toBe(2);
    expect(sockets.reduce((a, s) => a + s.rxQueue, 0)).toBe(2);
    expect(sockets.every(isListening)).toBe(true);
  });

  it("reads the udp6-style tcp6 fixture: [::]:5355 and a link-local socket", () => {
    const { sockets, problems } = parseProcNetSockets(fixture("udp6"), { protocol: "udp", littleEndian: LE, file: "udp6" });
    expect(problems).toEqual([]);
    expect(sockets.map((s) => [s.localAddress, s.localPort, s.st, s.state, s.uid, s.inode, s.family])).toEqual([
      ["::", 5355, 7, "UNCONN", 981, 21040, 6],
      ["fe80::56e1:adff:fe7c:6609", 51073, 7, "UNCONN", 1000, 11337031, 6],
    ]);
    expect(sockets.every(isListening)).toBe(true);
  });

  it("decodes the kernel documentation's example row", () => {
    const text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n  46: 010310AC:9C4C 030310AC:1770 01 00000150:00000000 01:00000019 00000000  1000        0 54165785 4 cd1e6040 25 4 27 3 -1\n";
    const [s] = parseProcNetSockets(text, { protocol: "tcp", littleEndian: LE }).sockets;
    expect(s).toMatchObject({ localAddress: "172.16.3.1", localPort: 40012, remoteAddress: "172.16.3.3", remotePort: 6000, state: "ESTABLISHED", txQueue: 0x150, uid: 1000, inode: 54165785 });
    expect(isListening(s!)).toBe(false);
  });

  it("reports udp_broken's short row as a problem naming file and line, keeping the rest", () => {
    const text = fixture("udp_broken") + fixture("udp").split("\n").slice(1).join("\n");
    const { sockets, problems } = parseProcNetSockets(text, { protocol: "udp", littleEndian: LE, file: "udp_broken" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^udp_broken:2: expected at least 10 columns/);
    expect(sockets).toHaveLength(3);
  });

  it("names a malformed address", () => {
    const text = "header\n   0: 0100007F:0016 ZZ:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n";
    expect(parseProcNetSockets(text, { protocol: "tcp", littleEndian: LE, file: "t" }).problems).toEqual(['t:2: malformed address "ZZ:0000"']);
  });
});
