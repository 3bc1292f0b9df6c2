/**
 * The printed page's running header and footer as CSS `@page` margin boxes.
 *
 *   ┌ title ─────────────────── generated ┐   @top-left / @top-right
 *   │                                     │
 *   └ netreport x.y ───────── Page 3 of 9 ┘   @bottom-left / @bottom-right (counter(page), counter(pages))
 *
 * Chromium lays margin boxes out with the page itself, so a 60-page report costs nothing per page,
 * where puppeteer's header/footer templates are a small HTML document laid out twice per page.
 * The same CSS gives a reader who prints the HTML file from a browser the same running header.
 * It goes before the template's report.css, so a custom sheet can restyle the boxes and still
 * has them when it says nothing about them. Their text comes from the report and is hostile: it
 * goes into CSS strings with every character that could end the string or the `<style>` element
 * escaped. The cover page carries neither.
 */
import type { Words } from "./i18n.js";
import type { PaperSize } from "./types.js";

/** Paper widths and heights in mm. */
const PAPER_MM: Record<PaperSize, { width: number; height: number }> = {
  A4: { width: 210, height: 297 },
  Letter: { width: 215.9, height: 279.4 },
};

/** Page margins in mm, set by the `@page` rule of {@link pageCss}. */
const PAGE_MARGIN_MM = { top: 18, right: 14, bottom: 18, left: 14 } as const;

/** Width in CSS pixels of a printed page's content box (paper minus left and right margins). */
export function contentWidthPx(paper: PaperSize): number {
  return Math.floor(((PAPER_MM[paper].width - PAGE_MARGIN_MM.left - PAGE_MARGIN_MM.right) * 96) / 25.4);
}

/** Height in CSS pixels of a whole sheet of `paper`. */
export function paperHeightPx(paper: PaperSize): number {
  return Math.round((PAPER_MM[paper].height * 96) / 25.4);
}

/**
 * A quoted CSS string that shows `text` literally. Letters, digits, spaces and harmless
 * punctuation pass; everything else (quotes, backslash, `<` `>` `&`, controls, line separators,
 * braces, semicolons) becomes a hex escape, so no value can close the string, the rule or the
 * `<style>` element it sits in.
 */
function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const plain = code > 0x7f ? code !== 0x2028 && code !== 0x2029 && code !== 0x85 : /[A-Za-z0-9 .,:/()_#%+*=!?@[\]^`|~$-]/.test(ch);
    out += plain ? ch : `\\${code.toString(16)} `;
  }
  return `${out}"`;
}

/** What the running header and footer say. */
export interface PageTexts {
  title: string;
  generatedAt: string;
  tool: string;
  paper: PaperSize;
  words: Words;
}

/** The `@page` rules for a report: paper size and the four margin boxes' content. */
export function pageCss(t: PageTexts): string {
  // "Page {page} of {total}" → "Page " counter(page) " of " counter(pages)
  const pageOf = t.words.pageOf
    .split(/(\{page\}|\{total\})/)
    .filter((part) => part !== "")
    .map((part) => (part === "{page}" ? "counter(page)" : part === "{total}" ? "counter(pages)" : cssString(part)))
    .join(" ");
  const box = `font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; font-size: 8px; color: #6b7280;`;
  const top = `${box} vertical-align: bottom; padding-bottom: 3mm;`;
  const bottom = `${box} vertical-align: top; padding-top: 3mm;`;
  return [
    `@page { size: ${t.paper}; margin: ${PAGE_MARGIN_MM.top}mm ${PAGE_MARGIN_MM.right}mm ${PAGE_MARGIN_MM.bottom}mm ${PAGE_MARGIN_MM.left}mm;`,
    `  @top-left { ${top} content: ${cssString(t.title)}; }`,
    `  @top-right { ${top} content: ${cssString(t.generatedAt)}; }`,
    `  @bottom-left { ${bottom} content: ${cssString(t.tool)}; }`,
    `  @bottom-right { ${bottom} content: ${pageOf}; } }`,
    `@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-left { content: none; } @bottom-right { content: none; } }`,
  ].join("\n");
}
