import { describe, expect, it } from "vitest";
import { makeDataset, provenance, toJson, parseDataset, parseBundle, makeBundle, registerDatasetKind, type Column } from "../../src/dataset/index.js";
import { isNetreportError } from "../../src/errors.js";

interface Row { host: string; port: number; bytes: number; seen: string | null }
const columns: Column<Row>[] = [
  { key: "host", label: "主机 Host", type: "ip" },
  { key: "port", label: "Port", type: "port" },
  { key: "bytes", label: "Bytes", type: "bytes" },
  { key: "seen", label: "Seen", type: "timestamp" },
];
const sample = () =>
  makeDataset({
    kind: "testRows",
    schemaVersion: 2,
    title: "测试 rows",
    columns,
    rows: [
      { host: "198.18.0.1", port: 80, bytes: 1234, seen: "2026-11-23T10:00:00.000Z" },
      { host: "198.18.0.2", port: 443, bytes: 0, seen: null },
    ],
    provenance: provenance("test", { ports: [80, 443] }, new Date("2026-11-23T09:59:00Z")),
    warnings: ["host 198.18.0.3 did not answer"],
  });

describe("dataset JSON", () => {
  it("round-trips a dataset with its envelope, provenance, warnings and CJK text", () => {
    const ds = sample();
    const back = parseDataset(toJson(ds), "x.json");
    expect(back).toEqual(ds);
    expect(back.format).toBe("netreport.dataset");
    expect(back.provenance.tool).toMatch(/^netreport@\d+\.\d+\.\d+/);
    expect(back.provenance.startedAt).toBe("2026-11-23T09:59:00.000Z");
    expect(back.title).toBe("测试 rows");
  });

  it("upgrades rows saved under an older schema version of a registered kind", () => {
    registerDatasetKind("upgradable", 2, (old) => ({
      ...old,
      schemaVersion: 2,
      rows: old.rows.map((r: { addr: string }) => ({ host: r.addr })),
      columns: [{ key: "host", label: "Host", type: "ip" }],
    }));
    const v1 = { ...sample(), kind: "upgradable", schemaVersion: 1, rows: [{ addr: "198.18.1.1" }], columns: [{ key: "addr", label: "Addr", type: "ip" }] };
    const up = parseDataset(JSON.stringify(v1), "old.json");
    expect(up.schemaVersion).toBe(2);
    expect(up.rows).toEqual([{ host: "198.18.1.1" }]);
  });

  it("refuses data from a newer release with EDATASET_VERSION, naming the file", () => {
    const newer = { ...sample(), formatVersion: 99 };
    try {
      parseDataset(JSON.stringify(newer), "future.json");
      expect.unreachable();
    } catch (e) {
      expect(isNetreportError(e, "EDATASET_VERSION")).toBe(true);
      expect((e as Error & { where: string }).where).toBe("future.json");
    }
  });

  it("names line and column of a JSON syntax error", () => {
    try {
      parseDataset('{\n  "format": "netreport.dataset",\n  oops\n}', "bad.json");
      expect.unreachable();
    } catch (e) {
      expect(isNetreportError(e, "EDATASET_SCHEMA")).toBe(true);
      expect((e as Error & { where: string }).where).toMatch(/^bad\.json:3:\d+$/);
    }
  });

  it("rejects a column of unknown type with its index", () => {
    const bad = { ...sample(), columns: [{ key: "x", label: "X", type: "colour" }] };
    expect(() => parseDataset(JSON.stringify(bad), "c.json")).toThrow(/column needs a key, a label and a known type/);
  });

  it("refuses a kind that is not a name (it names files), with EDATASET_SCHEMA naming the dataset's index", () => {
    for (const kind of ["/../../escaped", "ports.csv", "1st", "a b", "..", "x/y"]) {
      const bundle = makeBundle([sample(), { ...sample(), kind }]);
      try {
        parseBundle(toJson(bundle), "b.json");
        expect.unreachable();
      } catch (e) {
        expect(isNetreportError(e, "EDATASET_SCHEMA"), kind).toBe(true);
        expect((e as Error & { where: string }).where).toBe("b.json datasets[1]");
        expect((e as Error).message).toContain(`kind ${JSON.stringify(kind)} is not a name`);
      }
    }
    for (const kind of ["portScan", "t", "pcap_dns-2"]) expect(parseDataset(toJson({ ...sample(), kind }), "k.json").kind).toBe(kind);
  });

  it("reads a bundle, and a lone dataset as a bundle of one", () => {
    const ds = sample();
    const bundle = makeBundle([ds], [{ rule: "r", severity: "high", title: "t", summary: "s", evidence: [] }]);
    const back = parseBundle(toJson(bundle), "b.json");
    expect(back.datasets).toEqual([ds]);
    expect(back.findings[0]!.severity).toBe("high");
    expect(parseBundle(toJson(ds), "d.json").datasets).toHaveLength(1);
  });
});
