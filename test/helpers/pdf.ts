/** Reads PDFs the way a person would: text per page (pdftotext) and page count (pdfinfo). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** True when poppler-utils is installed. */
export function hasPoppler(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs `read` on `pdf` written to a temporary file, removed as soon as `read` returns. */
function withFile<T>(pdf: Buffer, read: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "nr-pdf-"));
  try {
    const path = join(dir, "x.pdf");
    writeFileSync(path, pdf);
    return read(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The text of each page (pdftotext -layout, so a table row or a heading stays on one line), runs of
 * spaces folded to one so assertions read like sentences.
 */
export function pdfPages(pdf: Buffer): string[] {
  const text = withFile(pdf, (path) => execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8", maxBuffer: 64 << 20 }));
  return text.split("\f").slice(0, -1).map((p) => p.replace(/[ \t]+/g, " "));
}

/** Page count from pdfinfo. */
export function pdfPageCount(pdf: Buffer): number {
  const info = withFile(pdf, (path) => execFileSync("pdfinfo", [path], { encoding: "utf8" }));
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}
