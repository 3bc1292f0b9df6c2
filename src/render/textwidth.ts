/**
 * Text width estimates for Vega layout without a canvas.
 *
 * Headless Vega (no `canvas` package) sizes every character as 0.8 em, so CJK text (1 em per
 * character) is under-measured and long Chinese labels collide with axis titles, while Latin
 * text is over-measured. This estimate uses per-character widths close to Noto Sans CJK SC,
 * the theme's first font: full-width scripts 1 em, Latin by character class.
 */

/** Full-width ranges: Hangul Jamo, CJK radicals … Yi, Hangul syllables, compatibility ideographs, vertical/full-width forms. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/;
const NARROW = new Set([..."iljtfrI.,:;'!|()[]` "]);
const WIDEST = new Set([..."mwMW@%"]);

/** Width of one code point in em. */
function charEm(ch: string): number {
  if (WIDE.test(ch) || ch.codePointAt(0)! > 0xffff) return 1;
  if (NARROW.has(ch)) return 0.3;
  if (WIDEST.has(ch)) return 0.85;
  if (ch >= "0" && ch <= "9") return 0.56;
  if (ch >= "A" && ch <= "Z") return 0.64;
  return 0.54;
}

/** Estimated width in px of `text` at `fontSize` px; bold text is 5 % wider. */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * fontSize * (bold ? 1.05 : 1);
}

/** The scenegraph item fields the estimate reads. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

/** A `vega.textMetrics.width` replacement: `(item, text) → px`, capped at the item's `limit`. */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const s = text == null ? "" : String(text).trim();
  if (size <= 0 || s === "") return 0;
  const w = item.fontWeight;
  const bold = w === "bold" || (typeof w === "number" && w >= 600) || (typeof w === "string" && Number(w) >= 600);
  const width = estimateTextWidth(s, size, bold);
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
