import { describe, expect, it } from "vitest";
import { parseTargetsFile, targetTokens } from "../../../src/analyses/scan/targets/file.js";

describe("targets file", () => {
  it("reads specs separated by spaces and lines, # comments ignored", () => {
    const text = "# lab\n198.18.32.11 198.18.32.12-13 # two more\n\n198.18.33.0/30\r\nbastion.example\n";
    expect(targetTokens(text)).toEqual([
      { token: "198.18.32.11", line: 2 },
      { token: "198.18.32.12-13", line: 2 },
      { token: "198.18.33.0/30", line: 4 },
      { token: "bastion.example", line: 5 },
    ]);
    expect(parseTargetsFile(text, "t.txt").map((s) => `${s.kind} ${s.token}`)).toEqual(["ipv4 198.18.32.11", "ipv4 198.18.32.12-13", "cidr 198.18.33.0/30", "name bastion.example"]);
  });

  it("names the file and line of a bad spec, and refuses a file without targets", () => {
    const err = (text: string) => {
      try {
        parseTargetsFile(text, "t.txt");
      } catch (e) {
        return `${(e as { code: string }).code} ${(e as { where: string }).where} ${(e as Error).message}`;
      }
      return "ok";
    };
    expect(err("198.18.32.1\n\n198.18.32.256\n")).toMatch(/^ESCAN_SPEC t\.txt:3 bad target "198\.18\.32\.256" at column 1: octet value 256 is above 255/);
    expect(err("# nothing\n\n")).toBe("ESCAN_SPEC t.txt the targets file names no targets");
  });
});
