import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeIdp } from "./fake-idp";
import { cookieOf, finishFlow, landing, startFlow } from "./flow";

// Its own file, so the Worker's JWKS cache starts empty.
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** True when the sign-in succeeded: a session cookie and no error. */
async function signIn() {
  const { state, binding } = await startFlow(idp);
  const res = await finishFlow(state, binding);
  return cookieOf(res, "session") !== "" && !landing(res).searchParams.has("error");
}

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
