/** Finding the IP header behind each link layer the capture may use. */
import { describe, expect, it } from "vitest";
import { ipv4Offset } from "../../../src/analyses/trace/match.js";

describe("ipv4Offset", () => {
  it("finds IPv4 behind Ethernet, an 802.1Q tag, Linux cooked capture and raw IP; -1 otherwise", () => {
    const eth = Buffer.alloc(40);
    eth.writeUInt16BE(0x0800, 12);
    expect(ipv4Offset(eth, 40, 1)).toBe(14);
    const vlan = Buffer.alloc(40);
    vlan.writeUInt16BE(0x8100, 12);
    vlan.writeUInt16BE(0x0800, 16);
    expect(ipv4Offset(vlan, 40, 1)).toBe(18);
    const sll = Buffer.alloc(40);
    sll.writeUInt16BE(0x0800, 14);
    expect(ipv4Offset(sll, 40, 113)).toBe(16);
    expect(ipv4Offset(Buffer.from([0x45, 0]), 2, 101)).toBe(0);
    const arp = Buffer.alloc(40);
    arp.writeUInt16BE(0x0806, 12);
    expect(ipv4Offset(arp, 40, 1)).toBe(-1);
    expect(ipv4Offset(eth, 10, 1)).toBe(-1);
  });
});
