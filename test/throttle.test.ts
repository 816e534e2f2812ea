/** The throttle's client key: what one client controls as a whole counts as one client. */
import { describe, expect, it } from "vitest";
import { clientKey, clientNetwork } from "../src/endpoints/throttle";

describe("clientNetwork", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff::", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::ffff:203.0.113.7", "::ffff:203.0.113.7"],
    ["not an address", "not an address"],
    ["1::2::3", "1::2::3"],
    ["1:2:3", "1:2:3"],
  ])("%s counts as %s", (address, network) => {
    expect(clientNetwork(address)).toBe(network);
  });
});

describe("clientKey", () => {
  const key = (address: string, site = "s") =>
    clientKey(new Request("https://x.test/", { headers: { "CF-Connecting-IP": address } }), site);

  it("one IPv6 /64 is one client, whichever address of it asks", async () => {
    expect(await key("2001:db8:1:2::1")).toBe(await key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
    expect(await key("2001:db8:1:2::1")).not.toBe(await key("2001:db8:1:3::1"));
  });

  it("IPv4 addresses and sites stay apart, and the key is not the address", async () => {
    expect(await key("203.0.113.7")).not.toBe(await key("203.0.113.8"));
    expect(await key("203.0.113.7", "a")).not.toBe(await key("203.0.113.7", "b"));
    expect(await key("203.0.113.7")).not.toContain("203");
  });
});
