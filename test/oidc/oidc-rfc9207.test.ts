import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call } from "../helpers";
import { ISSUER, startFakeIdp } from "./fake-idp";

// Its own file: discovery metadata is cached per isolate, and this provider advertises RFC 9207.
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp({ advertiseIssParameter: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function callback(extra: string) {
  const start = await call("/users/login", { redirect: "manual" });
  const location = new URL(start.headers.get("location") ?? "");
  idp.nonce = location.searchParams.get("nonce") ?? "";
  const binding = start.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("oidc_binding="));
  const res = await call(`/users/login/callback?code=c&state=${location.searchParams.get("state")}${extra}`, {
    headers: { cookie: binding ?? "" },
    redirect: "manual",
  });
  return new URL(res.headers.get("location") ?? "");
}

describe("RFC 9207 issuer identification, when the provider advertises it", () => {
  it("accepts the callback carrying the right iss", async () => {
    const landed = await callback(`&iss=${encodeURIComponent(ISSUER)}`);
    expect(landed.searchParams.get("login_code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ["a missing iss", ""],
    ["a mix-up attacker's iss", `&iss=${encodeURIComponent("https://attacker.example.com")}`],
  ])("refuses %s with error=invalid_response", async (_label, extra) => {
    const landed = await callback(extra);
    expect(landed.searchParams.get("error")).toBe("invalid_response");
    expect(idp.tokenRequests).toHaveLength(0);
  });
});
