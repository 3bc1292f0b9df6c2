/** src/lang.ts: the script and the CJK face a language tag's readers expect. */
import { describe, expect, it } from "vitest";
import { chineseScript, cjkFont } from "../src/lang.js";

describe("lang", () => {
  it("tells Traditional from Simplified Chinese, and nothing else for other languages or scripts", () => {
    expect(["zh-TW", "yue-HK", "zh-SG", "zh-Latn", "ja", "not a tag"].map(chineseScript)).toEqual(["Hant", "Hant", "Hans", null, null, null]);
  });

  it("picks the Noto CJK face of the tag's readers", () => {
    expect(["zh-CN", "zh-TW", "zh-HK", "zh-MO", "yue", "ja-JP", "ko", "en", "x y"].map(cjkFont)).toEqual([
      "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK HK", "Noto Sans CJK HK", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK SC",
    ]);
  });
});
