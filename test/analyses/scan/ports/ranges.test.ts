/**
 * Port lists of counted states: written as ranges, read back per protocol, and used to tell
 * which counted state an unlisted port was in.
 */
import { describe, expect, it } from "vitest";
import { countedStateOf, listHas, MAX_RANGES, portRanges, withProtocol } from "../../../../src/analyses/scan/ports/ranges.js";
import { countedStates, scanToDatasets, type ScanHostRow } from "../../../../src/analyses/scan/dataset.js";
import { parseNmapXml } from "../../../../src/analyses/scan/nmap/import.js";

describe("port ranges", () => {
  it("writes runs as ranges, in order, whatever order the ports came in", () => {
    expect(portRanges([5, 1, 2, 3, 9, 7, 8, 65535])).toBe("1-3,5,7-9,65535");
    expect(portRanges([])).toBe("");
    expect(withProtocol("tcp", "1-3")).toBe("T:1-3");
    expect(withProtocol("udp", "53")).toBe("U:53");
  });

  it("gives up (null) on a scattered state rather than write thousands of ranges", () => {
    const every3rd = Array.from({ length: (MAX_RANGES + 1) * 3 }, (_, i) => i * 3 + 1).filter((p) => p <= 65535);
    expect(portRanges(every3rd)).toBeNull();
    expect(portRanges(every3rd.slice(0, MAX_RANGES))).not.toBeNull();
  });

  it("reads lists with protocol prefixes as nmap writes them", () => {
    const list = "T:1-49,61-100,U:53,161-162";
    expect([1, 49, 61, 100].every((p) => listHas(list, p, "tcp"))).toBe(true);
    expect([50, 60, 101, 53].some((p) => listHas(list, p, "tcp"))).toBe(false);
    expect(listHas(list, 53, "udp")).toBe(true);
    expect(listHas(list, 162, "udp")).toBe(true);
    expect(listHas(list, 1, "udp")).toBe(false);
  });
});

describe("countedStateOf", () => {
  const both = [
    { state: "closed", ports: "T:1-49,61-100" },
    { state: "filtered", ports: "T:50-60" },
  ];
  it("finds the counted state whose list holds the port, and none for a port outside every list", () => {
    expect(countedStateOf(both, 10, "tcp")).toBe("closed");
    expect(countedStateOf(both, 55, "tcp")).toBe("filtered");
    expect(countedStateOf(both, 500, "tcp")).toBeNull();
    expect(countedStateOf(both, 55, "udp")).toBeNull();
  });

  it("with one list known and one not, a port in the known list takes its state, any other the unknown one's", () => {
    const mixed = [
      { state: "closed", ports: "T:1-49" },
      { state: "filtered", ports: null },
    ];
    expect(countedStateOf(mixed, 10, "tcp")).toBe("closed");
    expect(countedStateOf(mixed, 55, "tcp")).toBe("filtered");
  });

  it("without lists (older nmap), uses the host's only counted state, and none when there are two", () => {
    expect(countedStateOf([{ state: "closed", ports: null }], 10, "tcp")).toBe("closed");
    expect(countedStateOf([{ state: "closed", ports: null }, { state: "filtered", ports: null }], 10, "tcp")).toBeNull();
    expect(countedStateOf([], 10, "tcp")).toBeNull();
  });

  it("reads a saved hosts row's counted states back, with or without the lists (bundles of earlier releases)", () => {
    const row = { unlisted: "closed,filtered", unlistedPorts: "closed T:1-49,61-100; filtered T:50-60" } as ScanHostRow;
    expect(countedStates(row)).toEqual(both);
    const old = { unlisted: "closed" } as ScanHostRow;
    expect(countedStates(old)).toEqual([{ state: "closed", ports: null }]);
  });
});

describe("counted port lists from nmap XML and into the hosts dataset", () => {
  const xml = (ports: string) =>
    `<?xml version="1.0"?><nmaprun scanner="nmap" version="7.93"><host><status state="up"/><address addr="198.18.32.11" addrtype="ipv4"/><ports>` +
    `<extraports state="closed" count="89"><extrareasons reason="conn-refused" count="89" proto="tcp" ports="${ports}"/></extraports>` +
    `<extraports state="filtered" count="51"><extrareasons reason="no-response" count="51" proto="tcp" ports="81,100-149"/></extraports>` +
    `<port protocol="tcp" portid="80"><state state="open" reason="syn-ack"/></port></ports></host></nmaprun>`;

  it("reads each block's list and writes them into the hosts row, which reads back the same", () => {
    const r = parseNmapXml(xml("60-79,82-99,150-200"));
    expect(r.hosts[0]!.extraports.map((e) => e.ports)).toEqual(["T:60-79,82-99,150-200", "T:81,100-149"]);
    const row = scanToDatasets(r).hosts.rows[0]!;
    expect(row.unlistedPorts).toBe("closed T:60-79,82-99,150-200; filtered T:81,100-149");
    expect(countedStates(row)).toEqual([
      { state: "closed", ports: "T:60-79,82-99,150-200" },
      { state: "filtered", ports: "T:81,100-149" },
    ]);
  });

  it("refuses a list that is not digits, commas and dashes (it would be read back as other states)", () => {
    const r = parseNmapXml(xml("1-5; filtered T:1-65535"));
    expect(r.hosts[0]!.extraports[0]!.ports).toBeNull();
    expect(countedStates(scanToDatasets(r).hosts.rows[0]!)).toEqual([
      { state: "closed", ports: null },
      { state: "filtered", ports: "T:81,100-149" },
    ]);
  });

  it("gives a state counted twice a list only when both blocks had one", () => {
    const r = parseNmapXml(xml("60-79"));
    r.hosts[0]!.extraports.push({ state: "closed", count: 3, ports: null });
    expect(scanToDatasets(r).hosts.rows[0]!.unlistedPorts).toBe("filtered T:81,100-149");
  });
});
