/**
 * Markdown for prose sections, made safe: raw HTML in the source is shown as text, links keep only
 * http(s)/mailto targets, and images keep only data: URLs (a report never fetches anything).
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

/** Markdown → HTML fragment, with raw HTML escaped and external resources dropped. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown) as string;
}

export { escapeHtml };
