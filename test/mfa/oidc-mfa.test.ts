import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../src/core/settings";
import { providerAmr, providerProvedSecondFactor } from "../../src/domain/mfa/provider-second-factor";
import { bodyAt, call } from "../helpers";
import { startFakeIdp, type Tamper } from "../oidc/fake-idp";
import { forgetUsedTotpStep, lastAudit, readSessionRecord } from "../seed";
import { confirmTotp, currentStep, finishLogin, startTotp, totpCodeAt } from "./mfa-helpers";

const FRONTEND = "http://localhost:5173/after-login";
let idp: Awaited<ReturnType<typeof startFakeIdp>>;

beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith(`${name}=`)) ?? "";

async function signIn(tamper: Tamper) {
  idp.tamper = tamper;
  const started = await call(`/users/login?frontend_callback_uri=${encodeURIComponent(FRONTEND)}`, {});
  const location = new URL(started.headers.get("location") ?? "http://invalid/");
  idp.nonce = location.searchParams.get("nonce") ?? "";
  const state = location.searchParams.get("state") ?? "";
  return call(`/users/login/callback?code=the-code&state=${encodeURIComponent(state)}`, {
    headers: { cookie: cookieOf(started, "oidc_binding") },
  });
}

describe("OIDC sign-in of a user with a second factor", () => {
  it("asks for our second factor after the callback, then signs in with it", async () => {
    const sub = `mfa-${crypto.randomUUID()}`;
    const first = await signIn({ sub, amr: ["pwd"] });
    const token = cookieOf(first, "session").slice("session=".length);
    expect((await readSessionRecord(token))?.amr).toEqual(["pwd"]);
    const { secret } = await startTotp(token);
    expect((await confirmTotp(token, await totpCodeAt(secret, currentStep()))).status).toBe(200);
    const userId = token.split(".")[0] ?? "";
    await forgetUsedTotpStep(userId);

    const second = await signIn({ sub, amr: ["pwd"] });
    expect(second.status).toBe(302);
    expect(cookieOf(second, "session")).toBe("");
    const location = new URL(second.headers.get("location") ?? "");
    expect(location.searchParams.get("login_code")).toBeNull();
    const challenge = location.searchParams.get("mfa_challenge") ?? "";
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await finishLogin(challenge, { code: await totpCodeAt(secret, currentStep()) });
    const session = await bodyAt(done, 200);
    expect(session.user.id).toBe(userId);
    expect((await readSessionRecord(session.token))?.amr).toEqual(["pwd", "otp", "mfa"]);
    expect((await lastAudit("auth.login", userId))?.details).toMatchObject({
      method: "oidc",
      second_factor: "otp",
    });
  });

  it("trusts the provider's amr or acr only as configured", () => {
    const none = readConfig(env);
    const trusting = readConfig({ ...env, OIDC_MFA_AMR: "mfa, otp", OIDC_MFA_ACR: "urn:example:mfa" });
    expect(providerProvedSecondFactor({ amr: ["pwd", "otp"] }, none)).toBe(false);
    expect(providerProvedSecondFactor({ amr: ["pwd", "otp"] }, trusting)).toBe(true);
    expect(providerProvedSecondFactor({ amr: ["pwd"] }, trusting)).toBe(false);
    expect(providerProvedSecondFactor({ acr: "urn:example:mfa" }, trusting)).toBe(true);
    expect(providerProvedSecondFactor({ amr: "otp" }, trusting)).toBe(false);
    expect(providerAmr({})).toEqual(["ext"]);
    expect(providerAmr({ amr: ["pwd", 3, "hwk"] })).toEqual(["pwd", "hwk"]);
  });
});
