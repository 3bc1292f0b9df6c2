import { describe, expect, it } from "vitest";
import { csvField, datasetToCsv, makeDataset, provenance } from "../../src/dataset/index.js";

describe("CSV export", () => {
  it("quotes per RFC 4180 and neutralises formula injection", () => {
    expect(csvField('a "quoted", value')).toBe('"a ""quoted"", value"');
    expect(csvField("line1\nline2")).toBe('"line1\nline2"');
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-cmd")).toBe("'-cmd");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField(-5)).toBe("-5"); // a number is data, not a formula
    expect(csvField(null)).toBe("");
    expect(csvField(true)).toBe("true");
  });

  it("writes hostile strings and CJK text as plain cells, CRLF records, BOM first", () => {
    const ds = makeDataset({
      kind: "hostile",
      schemaVersion: 1,
      title: "t",
      columns: [
        { key: "name", label: "名称", type: "text" },
        { key: "rate", label: "Rate", type: "number", unit: "pps" },
      ],
      rows: [
        { name: "<script>alert(1)</script>", rate: 1.5 },
        { name: '"];x->y', rate: 2 },
        { name: "=cmd|' /C calc'!A0", rate: null },
        { name: "مرحبا 你好", rate: 3 },
      ],
      provenance: provenance("t", {}),
    });
    const csv = datasetToCsv(ds);
    expect(csv.startsWith("\uFEFF名称,Rate (pps)\r\n")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines).toEqual([
      "名称,Rate (pps)",
      "<script>alert(1)</script>,1.5",
      '"""];x->y",2',
      "'=cmd|' /C calc'!A0,",
      "مرحبا 你好,3",
      "",
    ]);
    expect(datasetToCsv(ds, { header: "key", bom: false }).split("\r\n")[0]).toBe("name,rate");
  });
});
