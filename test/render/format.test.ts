import { describe, expect, it } from "vitest";
import type { Cell, ColumnType } from "../../src/dataset/types.js";
import { formatBytes, formatCell, formatDuration, formatFigure, formatTimeZoneLabel, MISSING } from "../../src/render/format.js";

type Case = [Cell, ColumnType, string, Parameters<typeof formatCell>[2]?];

const cases: Case[] = [
  // integer
  [1234567, "integer", "1,234,567"],
  [0, "integer", "0"],
  [-42, "integer", "-42"],
  [12.6, "integer", "13"],
  ["98765", "integer", "98,765"],
  [1234567, "integer", "1.234.567", { locale: "de-DE" }],
  // number
  [3.14159, "number", "3.14"],
  [2, "number", "2"],
  [1234.5, "number", "1,234.5 pps", { unit: "pps" }],
  [0.005, "number", "0.01"],
  // bytes
  [0, "bytes", "0 B"],
  [512, "bytes", "512 B"],
  [1023, "bytes", "1,023 B"],
  [1024, "bytes", "1.0 KiB"],
  [1536, "bytes", "1.5 KiB"],
  [1048576, "bytes", "1.0 MiB"],
  [1024 * 1024 - 1, "bytes", "1.0 MiB"],
  [5.5 * 1024 ** 3, "bytes", "5.5 GiB"],
  [2 * 1024 ** 4, "bytes", "2.0 TiB"],
  [3 * 1024 ** 5, "bytes", "3,072.0 TiB"],
  [-2048, "bytes", "-2.0 KiB"],
  // duration (ms)
  [0, "duration", "0 ms"],
  [0.25, "duration", "250 µs"],
  [0.0004, "duration", "0 µs"],
  [0.9999, "duration", "1 ms"],
  [12.34, "duration", "12.3 ms"],
  [999.96, "duration", "1 s"],
  [1500, "duration", "1.5 s"],
  [59_960, "duration", "1 min"],
  [125_000, "duration", "2 min 5 s"],
  [3_600_000, "duration", "1 h"],
  [12_000_000, "duration", "3 h 20 min"],
  [-1500, "duration", "-1.5 s"],
  // percent
  [0.125, "percent", "12.5 %"],
  [1, "percent", "100 %"],
  [0.00049, "percent", "0 %"],
  [0.3333, "percent", "33.3 %"],
  // timestamp
  ["2026-11-23T14:03:05Z", "timestamp", "2026-11-23 14:03:05"],
  ["2026-11-23T14:03:05.999Z", "timestamp", "2026-11-23 14:03:05"],
  ["2026-11-23T14:03:05Z", "timestamp", "2026-11-23 22:03:05", { timeZone: "Asia/Shanghai" }],
  ["2026-01-01T02:00:00Z", "timestamp", "2025-12-31 21:00:00", { timeZone: "America/New_York" }],
  [Date.UTC(2026, 0, 2, 3, 4, 5), "timestamp", "2026-01-02 03:04:05"],
  ["not a date", "timestamp", "not a date"],
  // as is
  ["198.18.0.1", "ip", "198.18.0.1"],
  ["2001:db8::1", "ip", "2001:db8::1"],
  [8080, "port", "8080"],
  ["<b>x</b>", "text", "<b>x</b>"],
  ["中文 text", "text", "中文 text"],
  // boolean
  [true, "boolean", "yes"],
  [false, "boolean", "no"],
  [true, "boolean", "是", { locale: "zh-CN" }],
  // severity
  ["high", "severity", "High"],
  ["critical", "severity", "Critical"],
  // absent and odd values
  [null, "integer", MISSING],
  [null, "timestamp", MISSING],
  [null, "text", MISSING],
  [Number.NaN, "number", MISSING],
  [Infinity, "bytes", "∞"],
  // durations of days
  [3 * 86_400_000 + 4 * 3_600_000, "duration", "3 d 4 h"],
  [2 * 86_400_000, "duration", "2 d"],
  [47 * 3_600_000 + 30 * 60_000, "duration", "47 h 30 min"],
  [96_450_480_000, "duration", "1,116 d 8 h"],
  // byteRate
  [9_338_298.88, "byteRate", "8.9 MiB/s"],
  [512, "byteRate", "512 B/s"],
  // id: as it is, never grouped
  [17491, "id", "17491"],
  [4200000000, "id", "4200000000"],
  ["n/a", "bytes", "n/a"],
];

describe("formatCell", () => {
  it.each(cases)("%j as %s → %s", (value, type, expected, opts) => {
    expect(formatCell(value, type, opts)).toBe(expected);
  });

  it("formats UTC timestamps (a fast path) exactly as Intl does for the same zone under another name", () => {
    const instants = [Date.UTC(1, 0, 1), Date.UTC(999, 11, 31, 23, 59, 59), 0, Date.UTC(2024, 1, 29, 12), Date.UTC(9999, 11, 31, 23, 59, 59), -1];
    for (let i = 0; i < 500; i++) instants.push(Math.floor(((i * 2654435761) % 4_102_444_800) * 1000 + i));
    for (const t of instants) expect(formatCell(t, "timestamp", { timeZone: "UTC" })).toBe(formatCell(t, "timestamp", { timeZone: "Etc/GMT" }));
  });

  it("shows absent as an em dash", () => {
    expect(MISSING).toBe("—");
  });
});

describe("formatBytes / formatDuration", () => {
  it("step up one unit exactly at 1024", () => {
    for (let i = 1; i <= 4; i++) {
      const unit = ["B", "KiB", "MiB", "GiB", "TiB"][i];
      expect(formatBytes(1024 ** i)).toBe(`1.0 ${unit}`);
      expect(formatBytes(1024 ** i - 1024 ** (i - 1) * 200)).toMatch(new RegExp(`^\\d[\\d,.]* ${["B", "KiB", "MiB", "GiB"][i - 1]}$`));
    }
  });

  it("never shows 60 s or 60 min", () => {
    for (let ms = 59_000; ms <= 61_000; ms += 7) expect(formatDuration(ms)).not.toMatch(/\b60(\.0)? s|60 min/);
    for (let ms = 3_590_000; ms <= 3_610_000; ms += 777) expect(formatDuration(ms)).not.toMatch(/60 min/);
  });
});

describe("zoneless times", () => {
  it("read an ISO date-time without a zone as UTC, whatever this machine's zone", () => {
    const was = process.env.TZ;
    process.env.TZ = "Asia/Shanghai";
    try {
      expect(formatCell("2024-03-01T12:00:00", "timestamp", { timeZone: "UTC" })).toBe("2024-03-01 12:00:00");
      expect(formatCell("2024-03-01T12:00", "timestamp", { timeZone: "Asia/Shanghai" })).toBe("2024-03-01 20:00:00");
      expect(formatCell("2024-03-01T12:00:00+08:00", "timestamp", { timeZone: "UTC" })).toBe("2024-03-01 04:00:00");
    } finally {
      if (was === undefined) delete process.env.TZ;
      else process.env.TZ = was;
    }
  });
});

describe("formatTimeZoneLabel", () => {
  it("names the offset", () => {
    expect(formatTimeZoneLabel("UTC")).toBe("UTC");
    expect(formatTimeZoneLabel("Asia/Shanghai", "2026-11-23T00:00:00Z")).toBe("UTC+08:00");
    expect(formatTimeZoneLabel("America/New_York", "2026-07-01T00:00:00Z")).toBe("UTC-04:00");
    expect(formatTimeZoneLabel("America/New_York", "2026-01-01T00:00:00Z")).toBe("UTC-05:00");
  });
});

describe("formatFigure", () => {
  it("defaults the type from the value and appends the unit", () => {
    expect(formatFigure({ value: 1204, unit: "hosts" })).toBe("1,204 hosts");
    expect(formatFigure({ value: 2.345, unit: "ms" })).toBe("2.35 ms");
    expect(formatFigure({ value: 3 * 1024 ** 2, type: "bytes" })).toBe("3.0 MiB");
    expect(formatFigure({ value: 0.5, type: "percent" })).toBe("50 %");
    expect(formatFigure({ value: "n/a" })).toBe("n/a");
    expect(formatFigure({ value: null, unit: "hosts" })).toBe(MISSING);
  });
});
