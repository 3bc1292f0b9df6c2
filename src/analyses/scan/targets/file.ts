/**
 * A targets file (`--targets-file`), as nmap's `-iL` reads one: target specs separated by white
 * space or new lines, `#` starting a comment to the end of the line. Parsed line by line so a
 * bad spec is named by file and line, not by a column of the whole file.
 */
import { isNetreportError, NetreportError } from "../../../errors.js";
import { parseTargets, type TargetSpec } from "./parse.js";

/** The target tokens of a targets file's text, each with its 1-based line. */
export function targetTokens(text: string): Array<{ token: string; line: number }> {
  const out: Array<{ token: string; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const hash = raw.indexOf("#");
    const line = hash < 0 ? raw : raw.slice(0, hash);
    for (const m of line.matchAll(/\S+/g)) out.push({ token: m[0], line: i + 1 });
  });
  return out;
}

/**
 * Parses a targets file's text to specs.
 * @param source names the file in errors.
 * @throws NetreportError ESCAN_SPEC with `where: "<file>:<line>"` for a bad spec, or when the
 *   file holds no targets.
 */
export function parseTargetsFile(text: string, source: string): TargetSpec[] {
  const specs: TargetSpec[] = [];
  const lines = new Map<number, string[]>();
  for (const t of targetTokens(text)) {
    const list = lines.get(t.line) ?? [];
    list.push(t.token);
    lines.set(t.line, list);
  }
  for (const [line, tokens] of lines) {
    try {
      specs.push(...parseTargets(tokens));
    } catch (e) {
      if (!isNetreportError(e)) throw e;
      throw new NetreportError("ESCAN_SPEC", e.message, { where: `${source}:${line}`, ...(e.hint ? { hint: e.hint } : {}), cause: e });
    }
  }
  if (specs.length === 0) throw new NetreportError("ESCAN_SPEC", "the targets file names no targets", { where: source });
  return specs;
}
