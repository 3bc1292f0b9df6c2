import { describe, expect, it } from "vitest";
import { isNetreportError, type NetreportError } from "../../../src/errors.js";
import { formatIpv6, parseIpv6 } from "../../../src/analyses/scan/targets/address.js";
import { parseTargets, specSize } from "../../../src/analyses/scan/targets/parse.js";
import { planTargets } from "../../../src/analyses/scan/targets/expand.js";

async function list(spec: string, opts: Parameters<typeof planTargets>[1] = {}): Promise<string[]> {
  const plan = await planTargets(parseTargets(spec), opts);
  return [...plan.targets()].map((t) => t.address);
}

function specError(f: () => unknown): NetreportError {
  try {
    f();
  } catch (e) {
    if (isNetreportError(e, "ESCAN_SPEC")) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("IPv6 text", () => {
  it("round-trips and compresses the longest zero run", () => {
    expect(formatIpv6(parseIpv6("2001:0db8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIpv6(parseIpv6("::")!)).toBe("::");
    expect(formatIpv6(parseIpv6("::ffff:198.18.0.1")!)).toBe("::ffff:c612:1");
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("12345::")).toBeNull();
  });
});

describe("parseTargets", () => {
  it("expands octet ranges, lists and wildcards in address order", async () => {
    expect(await list("198.18.0-1.1,3")).toEqual(["198.18.0.1", "198.18.0.3", "198.18.1.1", "198.18.1.3"]);
    expect((await list("198.18.7.*")).length).toBe(256);
    expect(await list("198.18.7.-2")).toEqual(["198.18.7.0", "198.18.7.1", "198.18.7.2"]);
    expect((await list("198.18.7.250-")).at(-1)).toBe("198.18.7.255");
  });

  it("masks CIDR to the network and counts without listing", async () => {
    expect(await list("198.18.32.5/30")).toEqual(["198.18.32.4", "198.18.32.5", "198.18.32.6", "198.18.32.7"]);
    const [s] = parseTargets("198.0.0.0/8");
    expect(specSize(s!)).toBe(16_777_216n);
  });

  it("splits comma and space lists but keeps octet lists", async () => {
    expect(await list("198.18.0.1,198.18.0.9 198.18.0.4")).toEqual(["198.18.0.1", "198.18.0.9", "198.18.0.4"]);
    expect(await list("198.18.0.1,9")).toEqual(["198.18.0.1", "198.18.0.9"]);
  });

  it("applies exclusions lazily", async () => {
    const out = await list("198.18.32.0/28", { exclude: parseTargets("198.18.32.0-7 198.18.32.9/32") });
    expect(out).toEqual(["198.18.32.8", ...[10, 11, 12, 13, 14, 15].map((i) => `198.18.32.${i}`)]);
  });

  it("iterates a /8 lazily when the limit is raised", async () => {
    const plan = await planTargets(parseTargets("198.0.0.0/8"), { maxHosts: 1 << 24 });
    const it = plan.targets();
    expect(it.next().value?.address).toBe("198.0.0.0");
    expect(it.next().value?.address).toBe("198.0.0.1");
    expect(plan.size).toBe(16_777_216);
  });

  it("refuses more hosts than the limit, naming the biggest token", async () => {
    await expect(planTargets(parseTargets("198.18.0.1 198.18.0.0/15"))).rejects.toMatchObject({
      code: "ESCAN_SPEC",
      message: expect.stringContaining('"198.18.0.0/15" at column 12'),
    });
    expect((await planTargets(parseTargets("198.18.0.0/15"), { maxHosts: 131072 })).size).toBe(131072);
  });

  it("points at the bad token and its column", () => {
    expect(specError(() => parseTargets("198.18.0.1 198.18.0.300")).message).toContain('"198.18.0.300" at column 12');
    expect(specError(() => parseTargets("198.18.0.1,198.18.0.5-2")).message).toContain('"198.18.0.5-2" at column 12');
    expect(specError(() => parseTargets("198.18.0.1/33")).message).toMatch(/prefix/);
    expect(specError(() => parseTargets("198.18.0-3.0/24")).message).toMatch(/octet ranges/);
    expect(specError(() => parseTargets("host_ok bad..name")).message).toContain("column 9");
    expect(specError(() => parseTargets("2001:db8::g")).message).toContain("IPv6");
    expect(specError(() => parseTargets("   ")).message).toBe("no targets given");
  });

  it("resolves each name once and reports name and address", async () => {
    const calls: string[] = [];
    const resolve = async (name: string) => {
      calls.push(name);
      if (name === "nowhere.invalid") throw new Error("ENOTFOUND");
      return ["198.18.33.4", "2001:db8::4"];
    };
    const plan = await planTargets(parseTargets("gw.example GW.example. nowhere.invalid"), { resolve });
    expect([...plan.targets()]).toEqual([
      { address: "198.18.33.4", family: 4, hostname: "gw.example" },
      { address: "198.18.33.4", family: 4, hostname: "gw.example" },
    ]);
    expect(calls).toEqual(["gw.example", "nowhere.invalid"]);
    expect(plan.warnings.join()).toMatch(/nowhere.invalid did not resolve/);
    const six = await planTargets(parseTargets("gw.example"), { resolve, family: 6 });
    expect([...six.targets()][0]?.address).toBe("2001:db8::4");
  });

  it("uses a name that resolved to IPv6 as that one address, with a warning, as target and as exclusion", async () => {
    const resolve = async (name: string) => (name === "v6.example" ? ["2001:db8::4"] : ["198.18.33.4"]);
    // As a target: the address alone, and the prefix is said to be ignored.
    const t = await planTargets(parseTargets("v6.example/24"), { resolve, maxHosts: 1 << 20 });
    expect([...t.targets()].map((x) => x.address)).toEqual(["2001:db8::4"]);
    expect(t.warnings).toEqual(["v6.example/24: the /24 prefix is for an IPv4 address, and v6.example resolved to IPv6 2001:db8::4; only that address is used"]);
    // As an exclusion: the same one address, not the 2^104 addresses of a /24 IPv6 network.
    const e = await planTargets(parseTargets("2001:db8::/126 2001:db9::1"), { resolve, exclude: parseTargets("v6.example/24") });
    expect([...e.targets()].map((x) => x.address)).toEqual(["2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db9::1"]);
    const near = await planTargets(parseTargets("2001:db8::4/126"), { resolve, exclude: parseTargets("v6.example/24") });
    expect([...near.targets()].map((x) => x.address)).toEqual(["2001:db8::5", "2001:db8::6", "2001:db8::7"]);
  });

  it("expands small IPv6 networks", async () => {
    expect(await list("2001:db8::1/126")).toEqual(["2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3"]);
  });
});
