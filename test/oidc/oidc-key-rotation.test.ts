import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newBrowser, startFakeIdp } from "./fake-idp";

// Its own file, so the Worker's JWKS cache starts empty.
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Whether a sign-in through the fake provider lands back without an error. */
const signIn = async () => {
  const { landed } = await newBrowser().signIn(idp.approve);
  return landed !== null && landed.searchParams.get("error") === null;
};

describe("provider key rotation", () => {
  it("refetches the JWKS once when a token names an unknown kid, and accepts the new key", async () => {
    expect(await signIn()).toBe(true);
    expect(idp.jwksFetches).toBe(1);
    // The provider rotates to kid k2 a while later (past the 30 s refetch cooldown).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    idp.tamper = { rotated: true };
    expect(await signIn()).toBe(true);
    expect(idp.jwksFetches).toBe(2);
    // Known keys are served from the cache: no further fetch.
    expect(await signIn()).toBe(true);
    expect(idp.jwksFetches).toBe(2);
  });
});
