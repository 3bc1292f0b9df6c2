/**
 * Which columns of a report table must not wrap. Without a rule, every cell may break anywhere,
 * and the browser's table layout shares the width out by each column's longest text: a user
 * agent or a URL takes the page and addresses, times and file names break mid-token
 * ("198.18 / .16.11", "2023- / 11-14"). So addresses, times, numbers, ports and short texts are
 * kept on one line, as long as they fit on the page beside a minimum for the columns that wrap;
 * when they do not, short texts wrap again first, then the widest typed columns. (A time that has
 * to wrap still breaks only between date and time: see sections.ts.)
 */
import { NUMERIC_COLUMN_TYPES, type ColumnType } from "../dataset/types.js";
import { estimateTextWidth } from "../render/textwidth.js";

/** Printed table width in em of the table's font (A4 and Letter content width at 0.86 × 10.5 pt). */
const TABLE_WIDTH_EM = 56;
/** Horizontal padding of a cell in em. */
const PADDING_EM = 1;
/** Width a wrapping column is given at the least, in em (narrower, a URL is a column of letters). */
const WRAP_MIN_EM = 8;
/** Width a column must give back, at the least, to be let wrap (em). */
const MIN_GAIN_EM = 2;
/** Texts up to this width (em) stay on one line whatever their type. */
const SHORT_TEXT_EM = 12;

const TOKEN_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>([...NUMERIC_COLUMN_TYPES, "timestamp", "ip", "severity"]);

/** One column as the rule sees it: its type, header label (with its unit, if shown) and the texts of its shown cells. */
export interface ColumnTexts {
  type: ColumnType;
  label: string;
  texts: readonly string[];
}

/** For each column, true when its cells (and header) are kept on one line. */
export function noWrapColumns(columns: readonly ColumnTexts[], widthEm = TABLE_WIDTH_EM): boolean[] {
  const widths = columns.map((c) => {
    // No character is wider than 1 em, so a text no longer (in characters) than the widest so
    // far (in em) cannot be wider: most cells are skipped without measuring.
    let widest = estimateTextWidth(c.label, 1, true);
    for (const t of c.texts) if (t.length > widest) widest = Math.max(widest, estimateTextWidth(t, 1));
    return widest + PADDING_EM;
  });
  const typed = columns.map((c) => TOKEN_TYPES.has(c.type));
  const keep = columns.map((_, i) => typed[i]! || widths[i]! <= SHORT_TEXT_EM + PADDING_EM);
  const total = () => widths.reduce((sum, w, i) => sum + (keep[i] ? w : Math.min(w, WRAP_MIN_EM)), 0);
  for (const pass of [false, true]) {
    // pass 1: short texts, widest first; pass 2: typed columns, widest first
    while (total() > widthEm) {
      let widest = -1;
      // Only a column clearly wider than a wrapping column's minimum gives width back by
      // wrapping: an IPv4 address (about 8 em) is never broken for a fraction of an em.
      for (let i = 0; i < keep.length; i++) if (keep[i] && typed[i] === pass && widths[i]! > WRAP_MIN_EM + MIN_GAIN_EM && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
      if (widest < 0) break;
      keep[widest] = false;
    }
  }
  return keep;
}
