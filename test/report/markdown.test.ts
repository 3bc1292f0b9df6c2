/** Data text in prose: mdLiteral keeps every markdown construct and autolink literal. */
import { describe, expect, it } from "vitest";
import { markdownToHtml, mdLiteral } from "../../src/report/markdown.js";
import { HOSTILE_TEXT, oneLine, visibleText } from "../helpers/prose.js";

describe("mdLiteral", () => {
  it("renders data as exactly its text, in a paragraph, a list item and a table cell, with no link, image or markup", () => {
    for (const text of HOSTILE_TEXT) {
      for (const [md, wrapper] of [
        [mdLiteral(text), /^<p>([\s\S]*)<\/p>$/],
        [`- ${mdLiteral(text)}`, /^<ul>\s*<li>([\s\S]*)<\/li>\s*<\/ul>$/],
        [`| a |\n|---|\n| ${mdLiteral(text)} |`, /<td>([\s\S]*)<\/td>/],
      ] as const) {
        const html = markdownToHtml(md).trim();
        const inner = wrapper.exec(html)?.[1];
        expect(inner, html).toBeDefined();
        expect(inner, text).not.toContain("<"); // no element of the data's making
        expect(visibleText(inner!).trim()).toBe(oneLine(text));
      }
    }
  });
});
