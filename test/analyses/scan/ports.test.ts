import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinServices, loadServices, NMAP_SERVICES_PATH, parseNmapServices } from "../../../src/analyses/scan/ports/services.js";
import { formatPorts, parsePorts } from "../../../src/analyses/scan/ports/spec.js";

describe("parsePorts", () => {
  it("reads lists, ranges and open ends", () => {
    expect(parsePorts("22-25,443,8000-8002,22")).toEqual([22, 23, 24, 25, 443, 8000, 8001, 8002]);
    expect(parsePorts("-").length).toBe(65535);
    expect(parsePorts("-3")).toEqual([1, 2, 3]);
    expect(parsePorts("65534-")).toEqual([65534, 65535]);
    expect(parsePorts("T:80")).toEqual([80]);
  });

  it("resolves names and top-N from the services table", () => {
    const s = builtinServices();
    expect(parsePorts("http,ssh", s)).toEqual([22, 80]);
    expect(parsePorts("top10", s)).toEqual([21, 22, 23, 25, 80, 110, 139, 443, 445, 3389]);
    // Names written with capitals in nmap-services, in any case.
    expect(parsePorts("X11,Elite,nfs-or-iis,HTTP", s)).toEqual([80, 1025, 6000, 31337]);
  });

  it("refuses a top-N larger than the services table ranks, instead of scanning fewer ports", () => {
    const s = builtinServices();
    expect(parsePorts("top1000", s).length).toBe(1000);
    expect(() => parsePorts("22,top5000", s)).toThrow(/"top5000" at column 4.*built-in top-1000 ranks only 1000 TCP ports; ask for top1000 or fewer, or give - for all/);
  });

  it("names the bad item and its column", () => {
    expect(() => parsePorts("22,70000")).toThrow(/"70000" at column 4.*above 65535/);
    expect(() => parsePorts("22,,80")).toThrow(/column 4/);
    expect(() => parsePorts("U:53")).toThrow(/only TCP/);
    expect(() => parsePorts("100-80")).toThrow(/backwards/);
    expect(() => parsePorts("nosuchservice", builtinServices())).toThrow(/unknown service/);
    expect(() => parsePorts("22,T:")).toThrow(/bad port spec "T:" at column 4 of "22,T:": empty item after T:/);
    expect(() => parsePorts("t: ,80")).toThrow(/column 1/);
  });

  it("formats back to ranges", () => {
    expect(formatPorts(parsePorts("1-3,5,7-8"))).toBe("1-3,5,7-8");
  });
});

describe("services table", () => {
  it.skipIf(!existsSync(NMAP_SERVICES_PATH))("ranks nmap-services like the built-in list", () => {
    const table = loadServices();
    expect(table.source).toBe(NMAP_SERVICES_PATH);
    expect(table.top(1000)).toEqual(builtinServices().top(1000));
    expect(table.name(22)).toBe("ssh");
  });

  it("finds a name however it is written, the most frequent port first (X11 is 6000, x11 6010)", () => {
    const table = parseNmapServices("x11\t6010/tcp\t0.000076\nX11\t6000/tcp\t0.005683\nElite\t31337/tcp\t0.000452\n");
    expect(table.portOf("x11")).toBe(6000);
    expect(table.portOf("X11")).toBe(6000);
    expect(table.portOf("elite")).toBe(31337);
    expect(table.name(6000)).toBe("X11");
  });

  it("falls back to the built-in list", () => {
    const table = loadServices("/nonexistent/nmap-services");
    expect(table.source).toBe("built-in top-1000");
    expect(table.top(1000).length).toBe(1000);
    expect(table.name(3306)).toBe("mysql");
  });
});
