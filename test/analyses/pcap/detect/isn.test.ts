import { describe, expect, it } from "vitest";
import { judgeIsns } from "../../../../src/analyses/pcap/detect/isn.js";
import { ttlFamily } from "../../../../src/analyses/pcap/detect/ttl.js";
import { isDgaStyleName } from "../../../../src/analyses/pcap/detect/flux.js";
import { isLoicUri } from "../../../../src/analyses/pcap/detect/loic.js";

describe("detector rules", () => {
  it("judges ISN sequences: constant, arithmetic, the 64K/128K rule, random", () => {
    expect(judgeIsns([7, 7, 7, 7, 7], 5)).toBe("constant ISN");
    expect(judgeIsns([4294967000, 4294967100, 4294967200, 4, 104], 5)).toBe("ISN grows by a constant 100 per connection"); // wraps at 2^32
    expect(judgeIsns([1000, 129000, 257000, 321000, 449000], 5)).toMatch(/multiple of 64,000/);
    expect(judgeIsns([1000, 129000, 257000], 5)).toBeNull(); // too few
    expect(judgeIsns([3520000123, 977396294, 186536786, 2930001157, 41234567], 5)).toBeNull();
  });

  it("maps TTLs to initial families, recognises DGA-style names and LOIC URIs", () => {
    expect([1, 32, 33, 64, 65, 128, 129, 255].map(ttlFamily)).toEqual([32, 32, 64, 64, 128, 128, 255, 255]);
    expect(isDgaStyleName("db54a845.top")).toBe(true);
    expect(isDgaStyleName("deadbeef.example")).toBe(false); // letters only
    expect(isDgaStyleName("12345678.example")).toBe(false); // digits only
    expect(isDgaStyleName("www.example.com")).toBe(false);
    expect(isLoicUri("/Downloads/LOIC-1.0.8.ZIP")).toBe(true);
    expect(isLoicUri("/loic/readme.txt")).toBe(false);
  });
});
