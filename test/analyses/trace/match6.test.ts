/** Finding the IP header behind each link layer the capture may use. */
import { describe, expect, it } from "vitest";
import { ipv6Offset } from "../../../src/analyses/trace/match6.js";

describe("ipv6Offset", () => {
  it("finds IPv6 behind Ethernet, an 802.1Q tag, Linux cooked capture and raw IP; -1 for IPv4 and short frames", () => {
    const eth = Buffer.alloc(60);
    eth.writeUInt16BE(0x86dd, 12);
    expect(ipv6Offset(eth, 60, 1)).toBe(14);
    const vlan = Buffer.alloc(60);
    vlan.writeUInt16BE(0x8100, 12);
    vlan.writeUInt16BE(0x86dd, 16);
    expect(ipv6Offset(vlan, 60, 1)).toBe(18);
    const sll = Buffer.alloc(60);
    sll.writeUInt16BE(0x86dd, 14);
    expect(ipv6Offset(sll, 60, 113)).toBe(16);
    expect(ipv6Offset(Buffer.from([0x60, 0]), 2, 101)).toBe(0);
    expect(ipv6Offset(Buffer.from([0x45, 0]), 2, 101)).toBe(-1);
    const v4 = Buffer.alloc(60);
    v4.writeUInt16BE(0x0800, 12);
    expect(ipv6Offset(v4, 60, 1)).toBe(-1);
    expect(ipv6Offset(eth, 10, 1)).toBe(-1);
  });
});
