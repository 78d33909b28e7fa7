import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ISSUER, newBrowser, startFakeIdp } from "./fake-idp";

// Its own file: discovery metadata is cached per isolate, and this provider advertises RFC 9207.
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp({ advertiseIssParameter: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Signs in with the provider sending `iss` (or none) to our callback; where the browser lands. */
async function callback(iss?: string) {
  const { landed } = await newBrowser().signIn(
    idp.respond(iss === undefined ? { code: "c" } : { code: "c", iss }),
  );
  return landed ?? new URL("http://invalid/");
}

describe("RFC 9207 issuer identification, when the provider advertises it", () => {
  it("accepts the callback carrying the right iss", async () => {
    const landed = await callback(ISSUER);
    expect(landed.searchParams.get("error")).toBeNull();
  });

  it.each([
    ["a missing iss", undefined],
    ["a mix-up attacker's iss", "https://attacker.example.com"],
  ])("refuses %s with error=invalid_response", async (_label, iss) => {
    const landed = await callback(iss);
    expect(landed.searchParams.get("error")).toBe("invalid_response");
    expect(idp.tokenRequests).toHaveLength(0);
  });
});
