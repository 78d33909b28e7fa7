import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ISSUER, startFakeIdp } from "./fake-idp";
import { cookieOf, finishFlow, landing, startFlow } from "./flow";

// Its own file: discovery metadata is cached per isolate, and this provider advertises RFC 9207.
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp({ advertiseIssParameter: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function callback(extra: string) {
  const { state, binding } = await startFlow(idp);
  const res = await finishFlow(state, binding, `code=c${extra}`);
  return { landed: landing(res), cookie: cookieOf(res, "session") };
}

describe("RFC 9207 issuer identification, when the provider advertises it", () => {
  it("accepts the callback carrying the right iss", async () => {
    const { landed, cookie } = await callback(`&iss=${encodeURIComponent(ISSUER)}`);
    expect(landed.searchParams.get("error")).toBeNull();
    expect(cookie).toMatch(/^session=/);
  });

  it.each([
    ["a missing iss", ""],
    ["a mix-up attacker's iss", `&iss=${encodeURIComponent("https://attacker.example.com")}`],
  ])("refuses %s with error=invalid_response", async (_label, extra) => {
    const { landed } = await callback(extra);
    expect(landed.searchParams.get("error")).toBe("invalid_response");
    expect(idp.tokenRequests).toHaveLength(0);
  });
});
