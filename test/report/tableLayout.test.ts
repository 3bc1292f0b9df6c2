/**
 * Which table columns stay on one line: typed tokens and short texts while they fit beside a
 * minimum for the wrapping ones; short texts give way first, then the widest typed columns, and
 * a column narrower than that minimum never gives way (wrapping it would win nothing).
 */
import { describe, expect, it } from "vitest";
import { noWrapColumns, type ColumnTexts } from "../../src/report/tableLayout.js";

const col = (type: ColumnTexts["type"], label: string, ...texts: string[]): ColumnTexts => ({ type, label, texts });

describe("noWrapColumns", () => {
  it("keeps addresses, times, numbers and short texts on one line in a table that fits", () => {
    const cols = [
      col("timestamp", "Time", "2023-11-14 22:13:20"),
      col("ip", "Host", "198.18.16.10", "2001:2:0:64::1"),
      col("text", "Service", "服务-42"),
      col("bytes", "Bytes", "4.2 MiB"),
      col("text", "Note", "a long free-text note that goes on and on and should wrap inside its cell"),
    ];
    expect(noWrapColumns(cols)).toEqual([true, true, true, true, false]);
  });

  it("in a table too wide for the page, lets short texts wrap first, then the widest typed column", () => {
    const long = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    const cols = [
      col("timestamp", "Time", "2023-11-14 22:13:20"),
      col("ip", "Client", "198.18.16.10"),
      col("ip", "Server", "198.18.16.80"),
      col("text", "Capture file", "capture-2023-11-14.pcap"),
      col("text", "URI", long),
      col("text", "User agent", long),
    ];
    // wide enough for everything but the file name: the short text wraps, typed columns stay
    expect(noWrapColumns(cols, 50)).toEqual([true, true, true, false, false, false]);
    // narrower: the time (widest typed) wraps too; the addresses stay whole
    expect(noWrapColumns(cols, 45)).toEqual([false, true, true, false, false, false]);
  });

  it("never lets a column narrower than a wrapping column's minimum wrap", () => {
    const cols = [col("port", "Port", "80"), col("text", "Method", "GET"), col("text", "Body", "x ".repeat(500))];
    expect(noWrapColumns(cols, 5)).toEqual([true, true, false]);
  });
});

describe("noWrapColumns widths", () => {
  it("measures the widest text, not the longest: a short CJK text can be wider than a longer Latin one", () => {
    const cjk = "服".repeat(13); // 13 em
    const latin = "abcdefghijklmnopq"; // 17 characters, about 9 em
    expect(noWrapColumns([{ type: "text", label: "Name", texts: [latin, cjk] }])).toEqual([false]);
    expect(noWrapColumns([{ type: "text", label: "Name", texts: [latin] }])).toEqual([true]);
  });
});

describe("noWrapColumns on a table that cannot fit", () => {
  it("lets times wrap but never breaks an IPv4 address for the fraction of an em it would give back", () => {
    const cols = [
      col("ip", "Source", "10.0.2.15", "198.18.16.12"),
      col("ip", "Destination", "185.56.137.138"),
      col("timestamp", "First seen", "2020-10-24 14:28:20"),
      col("timestamp", "Last seen", "2020-10-24 14:30:08"),
      ...["Packets", "Bytes", "Pkts →", "Pkts ←", "Src port", "Dst port", "Duration", "Protocol"].map((l) => col("integer", l, "12345")),
    ];
    expect(noWrapColumns(cols, 40).slice(0, 4)).toEqual([true, true, false, false]);
  });
});
