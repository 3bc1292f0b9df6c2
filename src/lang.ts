/**
 * Questions about a report's language tag that the enrichers, the renderers and the reports all
 * ask: which Chinese script its readers write, and which Noto CJK face draws Han characters the
 * way they expect. (src/render/locale.ts holds the number and date formats of charts.)
 */

/** Answers per tag: scopeLabel asks once per address looked up, and Intl.Locale costs µs. */
const scripts = new Map<string, "Hans" | "Hant" | null>();
const faces = new Map<string, string>();
const MEMO_LIMIT = 64;

/** `lang` as a locale (the POSIX spelling `zh_CN` read as `zh-CN`), or null when it is no BCP 47 tag. */
export function parseLangTag(lang: string): Intl.Locale | null {
  try {
    return new Intl.Locale(lang.replaceAll("_", "-"));
  } catch {
    return null;
  }
}

/** The tag with its likely script and region added (zh-TW → zh-Hant-TW), or null when it is no tag. */
function maximized(lang: string): Intl.Locale | null {
  return parseLangTag(lang)?.maximize() ?? null;
}

/** Remembers `value` for `key` in `memo`, which stays small. */
function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * How a language tag writes Chinese: `"Hant"` (Traditional: zh-TW, zh-HK, zh-MO, zh-Hant-…,
 * Cantonese), `"Hans"` (Simplified: zh, zh-CN, zh-SG, zh-Hans-…), or null for another language,
 * Chinese in another script (zh-Latn pinyin, zh-Bopo) or no tag.
 */
export function chineseScript(lang: string): "Hans" | "Hant" | null {
  const known = scripts.get(lang);
  if (known !== undefined) return known;
  const locale = maximized(lang);
  const chinese = locale !== null && (locale.language === "zh" || locale.language === "yue");
  const script = chinese && (locale.script === "Hant" || locale.script === "Hans") ? locale.script : null;
  return remember(scripts, lang, script);
}

/** `choices.hant` for a reader of Traditional Chinese, `choices.hans` of Simplified, else `choices.other`. */
export function byChineseScript<T>(lang: string, choices: { hans: T; hant: T; other: T }): T {
  const script = chineseScript(lang);
  return script === "Hant" ? choices.hant : script === "Hans" ? choices.hans : choices.other;
}

/**
 * The Noto CJK face whose glyph shapes a reader of `lang` expects (Han characters are drawn
 * differently in mainland China, Taiwan, Hong Kong, Japan and Korea): HK for Traditional Chinese
 * of Hong Kong and Macau, TC for other Traditional Chinese, JP for Japanese, KR for Korean, SC
 * otherwise. Browsers pick these shapes from the page's `lang` themselves; SVG turned into PNG
 * (librsvg) draws them only in the face it is given.
 */
export function cjkFont(lang: string): string {
  const known = faces.get(lang);
  if (known !== undefined) return known;
  const locale = maximized(lang);
  let face = "Noto Sans CJK SC";
  if (locale?.language === "ja") face = "Noto Sans CJK JP";
  else if (locale?.language === "ko") face = "Noto Sans CJK KR";
  else if (chineseScript(lang) === "Hant") face = locale?.region === "HK" || locale?.region === "MO" ? "Noto Sans CJK HK" : "Noto Sans CJK TC";
  return remember(faces, lang, face);
}
