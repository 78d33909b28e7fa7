import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/core/client-address";
import { ErrorSchema } from "../../src/http/schemas/common";
import { call, createUser, login, sessionFrom } from "../helpers";
import { storageCounts } from "../performance/server-timing";

/** Every header but the ones that differ per request anyway. */
const headerSet = (res: { headers: Headers }) =>
  [...res.headers.entries()].filter(([name]) => name !== "x-request-id" && name !== "date");

describe("anonymous answers do not tell whether an account exists", () => {
  it("a failed sign-in has the same status, body and headers (Server-Timing included) for a real and an unknown username", async () => {
    const user = await createUser();
    const real = await login(user.username, "not the password!");
    const unknown = await login(`nobody-${crypto.randomUUID().slice(0, 8)}`, "not the password!");
    expect(real.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await real.json());
    expect(headerSet(unknown)).toEqual(headerSet(real));
    expect(real.headers.get("server-timing")).toBeNull();
  });

  it("Server-Timing detail is for callers who proved who they are", async () => {
    const user = await createUser();
    const res = await login(user.username, user.password);
    expect(storageCounts(res).d1).toBeGreaterThan(0); // the sign-in itself
    const { token } = await sessionFrom(res);
    const me = await call("/users/me", { token });
    expect(me.headers.get("server-timing")).toMatch(/^d1;desc=/);
    expect((await call("/users/me")).headers.get("server-timing")).toBeNull();
  });
});

describe("the sign-in throttle keys an IPv6 client on its /64", () => {
  it.each([
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::ffff", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["2001:db8:1:2::192.0.2.7", "2001:db8:1:2::/64"],
    ["192.0.2.7", "192.0.2.7"],
    ["not:an:address::zz", "not:an:address::zz"],
  ])("%s → %s", (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it("throttles a client that rotates addresses inside its /64", async () => {
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    const codes: string[] = [];
    // LOGIN_LIMITER allows 20 per 60-s window, and a slow run may straddle a window boundary: within
    // 45 attempts one window holds at least 23, so the limit answers however the windows fall.
    for (let i = 1; i <= 45 && !codes.includes("rate_limited"); i++) {
      // A fresh unknown name each time, so the account lockout never answers instead.
      const username = `nobody-${i}-${crypto.randomUUID().slice(0, 8)}`;
      const body = await (await login(username, "x", `${prefix}::${i.toString(16)}`)).json();
      codes.push(ErrorSchema.parse(body).code);
    }
    expect(codes).toContain("rate_limited");
  });
});
