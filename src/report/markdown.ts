/**
 * Markdown for prose sections, made safe: raw HTML in the source is shown as text, links keep only
 * http(s)/mailto targets, and images keep only data: URLs (a report never fetches anything).
 * Composers put data into prose through {@link mdLiteral}, so data never becomes a link.
 */
import { Marked, type Tokens } from "marked";

const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens);
      return /^(https?:|mailto:)/i.test(token.href) ? `<a href="${escapeHtml(token.href)}">${text}</a>` : text;
    },
    image(token: Tokens.Image): string {
      if (/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(token.href)) {
        return `<img src="${token.href}" alt="${escapeHtml(token.text)}">`;
      }
      return `<span class="blocked-image">[${escapeHtml(token.text || "image")}]</span>`;
    },
  },
});

/**
 * Data text (a warning, a file name, an error message) as markdown that renders as exactly that
 * text, for composers that put data into prose. Every ASCII punctuation mark is backslash-escaped:
 * that keeps links, images, emphasis, code, HTML, entities, table pipes and list or heading
 * markers literal, and it breaks GFM's autolinks, which need `:`, `/`, `.` or `@`
 * (`https://…`, `www.…`, `a@b.example`). Line breaks become spaces: one could start a block.
 */
export function mdLiteral(text: string): string {
  return text.replace(/\r\n?|[\n\u2028\u2029]/g, " ").replace(/[!-/:-@[-`{-~]/g, "\\$&");
}

/** Markdown → HTML fragment, with raw HTML escaped and external resources dropped. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown) as string;
}

export { escapeHtml };
