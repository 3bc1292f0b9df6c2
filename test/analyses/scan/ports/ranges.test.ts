/**
 * Port lists of counted states: written as ranges, read back per protocol, and used to tell
 * which counted state an unlisted port was in.
 */
import { describe, expect, it } from "vitest";
import { countedStateOf, listHas, MAX_RANGES, portRanges, withProtocol } from "../../../../src/analyses/scan/ports/ranges.js";
import { countedStates, type ScanHostRow } from "../../../../src/analyses/scan/dataset.js";

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
