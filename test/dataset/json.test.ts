import { describe, expect, it } from "vitest";
import { makeDataset, provenance, toJson, parseDataset, parseBundle, makeBundle, registerDatasetKind, type Column } from "../../src/dataset/index.js";
import { z } from "zod";
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

describe("dataset JSON: rows, cells and warnings", () => {
  /** The EDATASET_SCHEMA a saved dataset with `change` applied is refused with. */
  const refusal = (change: Record<string, unknown>, file = "x.json") => {
    try {
      parseDataset(JSON.stringify({ ...sample(), ...change }), file);
    } catch (e) {
      expect(isNetreportError(e, "EDATASET_SCHEMA")).toBe(true);
      return { where: (e as Error & { where: string }).where, message: (e as Error).message };
    }
    throw new Error("expected the dataset to be refused");
  };
  const rows = (...changes: Record<string, unknown>[]) => ({ rows: sample().rows.map((r, i) => ({ ...r, ...changes[i] })) });

  it("refuses a row that is not an object, naming kind and row", () => {
    expect(refusal({ rows: [sample().rows[0], null] })).toEqual({ where: "x.json rows[1]", message: "testRows row 1 is not an object, found null" });
    expect(refusal({ rows: [[1, 2]] }).where).toBe("x.json rows[0]");
  });

  it("refuses a cell that is not a JSON scalar, in a column or not", () => {
    expect(refusal(rows({}, { host: { a: 1 } }))).toEqual({ where: "x.json rows[1].host", message: 'testRows row 1, column host: a cell must be text, a number, true/false or null, found {"a":1}' });
    expect(refusal(rows({ extra: [1] })).where).toBe("x.json rows[0].extra");
  });

  it("refuses a cell of the wrong type for its column: numbers, booleans, addresses, timestamps", () => {
    expect(refusal(rows({ port: "80" }))).toEqual({ where: "x.json rows[0].port", message: 'testRows row 0, column port: expected a number or null, found "80"' });
    expect(refusal(rows({}, { bytes: true })).message).toBe("testRows row 1, column bytes: expected a number or null, found true");
    expect(refusal(rows({ host: 3232235521 })).message).toMatch(/column host: expected a string or null/);
    expect(refusal(rows({ seen: 1764000000000 })).message).toMatch(/column seen: expected an ISO 8601 string or null/);
    const flag = { columns: [...columns, { key: "ok", label: "OK", type: "boolean" }] };
    expect(refusal({ ...flag, ...rows({ ok: "yes" }) }).message).toMatch(/column ok: expected true, false or null, found "yes"/);
    // null and an absent cell are "known to be absent"; text takes any scalar.
    expect(parseDataset(JSON.stringify({ ...sample(), ...flag, ...rows({ ok: true, port: null }, { seen: undefined }) }), "ok.json").rows[0].port).toBeNull();
    const text = { columns: [{ key: "note", label: "Note", type: "text" }], rows: [{ note: 1 }, { note: false }, { note: "x" }] };
    expect(parseDataset(JSON.stringify({ ...sample(), ...text }), "t.json").rows).toHaveLength(3);
  });

  it("refuses warnings that are not an array of strings; absent warnings are none", () => {
    expect(refusal({ warnings: [1] })).toEqual({ where: "x.json warnings[0]", message: "warning 0 of testRows is not text, found 1" });
    expect(refusal({ warnings: "partial" }).where).toBe("x.json warnings");
    expect(parseDataset(JSON.stringify({ ...sample(), warnings: undefined }), "w.json").warnings).toEqual([]);
  });

  it("checks a registered kind's rows and provenance against its shapes", () => {
    registerDatasetKind("shaped", 2, { row: z.object({ host: z.string(), port: z.number() }), provenance: z.looseObject({ parameters: z.looseObject({ ports: z.array(z.number()).optional() }) }) });
    const shaped = (change: Record<string, unknown>) => ({ kind: "shaped", ...change });
    expect(parseDataset(JSON.stringify({ ...sample(), kind: "shaped" }), "s.json").kind).toBe("shaped");
    // A text column takes a number, but this kind's readers need a string.
    const textHost = { columns: [{ key: "host", label: "Host", type: "text" }, { key: "port", label: "Port", type: "port" }], rows: [{ host: "a", port: 1 }, { host: 5, port: 2 }] };
    const r = refusal(shaped(textHost), "s.json");
    expect(r.where).toBe("s.json rows[1].host");
    expect(r.message).toMatch(/^shaped row 1, column host: .*expected string.*, found 5$/);
    expect(refusal(shaped({ rows: [{ host: "a" }] })).message).toMatch(/^shaped row 0, column port: .*, found nothing$/);
    const p = refusal(shaped({ provenance: { ...sample().provenance, parameters: { ports: "80" } } }), "s.json");
    expect(p.where).toBe("s.json provenance.parameters.ports");
    expect(p.message).toMatch(/^provenance\.parameters\.ports of shaped: .*expected array/);
  });
});
