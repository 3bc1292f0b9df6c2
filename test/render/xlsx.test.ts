/**
 * The XLSX export read back with exceljs itself: sheets per dataset and for findings, typed
 * values, hostile text neutralised (formula starts, control characters) and sheet names Excel
 * accepts.
 */
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { makeDataset, provenance } from "../../src/dataset/create.js";
import { datasetsToXlsx, safeText, sheetName } from "../../src/render/xlsx.js";
import type { Finding } from "../../src/dataset/finding.js";

const ds = makeDataset({
  kind: "portScan",
  schemaVersion: 1,
  title: "Ports",
  columns: [
    { key: "address", label: "Address", type: "ip" },
    { key: "port", label: "Port", type: "port" },
    { key: "service", label: "服务 Service", type: "text" },
    { key: "rtt", label: "RTT", type: "duration" },
    { key: "open", label: "Open", type: "boolean" },
  ],
  rows: [
    { address: "198.18.32.11", port: 22, service: "ssh", rtt: 0.25, open: true },
    { address: "198.18.32.12", port: 3389, service: '=HYPERLINK("http://198.18.32.99/x","click")', rtt: null, open: false },
    { address: "198.18.32.13", port: 80, service: "+cmd|' /C calc'!A0", rtt: 1.5, open: true },
    { address: "198.18.32.14", port: 81, service: "-2+3", rtt: 2, open: true },
    { address: "198.18.32.15", port: 82, service: "@SUM(1)\u0000\u0007bell", rtt: 3, open: true },
  ],
  provenance: provenance("test", {}),
});

const finding: Finding = {
  rule: "scan.policy.risky-port",
  severity: "high",
  title: "=1+1 Risky port: 3389/tcp open on 1 host",
  summary: "RDP is open.",
  evidence: [{ description: "hosts", addresses: ["198.18.32.12"], ports: [3389] }],
};

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

describe("datasetsToXlsx", () => {
  it("writes a sheet per dataset and one for findings, with typed values", async () => {
    const wb = await readBack(await datasetsToXlsx([ds, { ...ds, kind: "scanHosts" }], { findings: [finding] }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["portScan", "scanHosts", "Findings"]);
    const ws = wb.getWorksheet("portScan")!;
    expect(ws.getRow(1).values).toEqual([undefined, "Address", "Port", "服务 Service", "RTT", "Open"]);
    expect(ws.getCell("B2").value).toBe(22);
    expect(ws.getCell("B2").type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getCell("D2").value).toBe(0.25);
    expect(ws.getCell("E2").value).toBe(true);
    expect(ws.getCell("D3").value).toBeNull();
    expect(ws.rowCount).toBe(6);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const f = wb.getWorksheet("Findings")!;
    expect(f.getCell("A2").value).toBe("high");
    expect(f.getCell("E2").value).toBe("198.18.32.12");
  });

  it("never stores a formula: formula starts get an apostrophe, controls are escaped", async () => {
    const wb = await readBack(await datasetsToXlsx([ds], { findings: [finding] }));
    const ws = wb.getWorksheet("portScan")!;
    const services = [3, 4, 5, 6].map((r) => ws.getCell(`C${r}`));
    for (const c of services) {
      expect(c.type).toBe(ExcelJS.ValueType.String);
      expect(c.formula).toBeUndefined();
    }
    expect(services.map((c) => c.value)).toEqual([`'=HYPERLINK("http://198.18.32.99/x","click")`, "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1)\\x00\\x07bell"]);
    expect(wb.getWorksheet("Findings")!.getCell("C2").value).toBe("'=1+1 Risky port: 3389/tcp open on 1 host");
    let formulas = 0;
    wb.eachSheet((s) => s.eachRow((row) => row.eachCell((cell) => void (cell.type === ExcelJS.ValueType.Formula && formulas++))));
    expect(formulas).toBe(0);
  });

  it("makes sheet names Excel accepts, unique, and an empty workbook still opens", async () => {
    const taken = new Set<string>();
    expect(sheetName("a/b:c*d?[e]\\f", taken)).toBe("a b c d  e  f");
    expect(sheetName("x".repeat(40), taken)).toBe("x".repeat(31));
    expect(sheetName("X".repeat(40), taken)).toBe(`${"X".repeat(29)} 2`);
    expect(safeText("\tx")).toBe("'\tx");
    const wb = await readBack(await datasetsToXlsx([]));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Empty"]);
  });
});
