/**
 * Language-tag questions shared by the enrichers, the renderers and the reports (which must not
 * import each other).
 */

/**
 * How a language tag writes Chinese: `"Hant"` (Traditional: zh-TW, zh-HK, zh-MO, zh-Hant-…),
 * `"Hans"` (Simplified: zh, zh-CN, zh-SG, zh-Hans-…), or null for another language or no tag.
 */
export function chineseScript(lang: string): "Hans" | "Hant" | null {
  let locale: Intl.Locale;
  try {
    // maximize() adds the likely script: zh-TW → zh-Hant-TW, zh → zh-Hans-CN.
    locale = new Intl.Locale(lang.replaceAll("_", "-")).maximize();
  } catch {
    return null;
  }
  if (locale.language !== "zh") return null;
  return locale.script === "Hant" ? "Hant" : "Hans";
}

/**
 * The Noto CJK face whose glyph shapes a reader of `lang` expects (Han characters are drawn
 * differently in mainland China, Taiwan, Hong Kong and Japan): HK for Chinese of Hong Kong and
 * Macau, TC for other Traditional Chinese, JP for Japanese, KR for Korean, SC otherwise.
 */
export function cjkFont(lang: string): string {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(lang.replaceAll("_", "-")).maximize();
  } catch {
    return "Noto Sans CJK SC";
  }
  if (locale.language === "ja") return "Noto Sans CJK JP";
  if (locale.language === "ko") return "Noto Sans CJK KR";
  if (locale.language !== "zh" || locale.script !== "Hant") return "Noto Sans CJK SC";
  return locale.region === "HK" || locale.region === "MO" ? "Noto Sans CJK HK" : "Noto Sans CJK TC";
}
