import { describe, expect, it } from "vitest";
import { bodyAt, call, createSignedInUser, login, sessionFrom } from "../helpers";
import { forgetUsedTotpStep, readSecondFactors, readTotp, recoveryCodeHashes } from "../seed";
import {
  ageAuthentication,
  confirmTotp,
  createUserWithTotp,
  currentStep,
  mfaApi,
  post,
  startLogin,
  startTotp,
  totpCodeAt,
} from "./mfa-helpers";

describe("TOTP codes", () => {
  it("match RFC 6238's SHA-1 test vectors (6 digits)", async () => {
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // base32 of "12345678901234567890"
    expect(await totpCodeAt(secret, Math.floor(59 / 30))).toBe("287082");
    expect(await totpCodeAt(secret, Math.floor(1111111109 / 30))).toBe("081804");
    expect(await totpCodeAt(secret, Math.floor(20000000000 / 30))).toBe("353130");
  });
});

describe("TOTP enrolment", () => {
  it("returns the secret once with an otpauth URI and a QR code, and stores it encrypted and inactive", async () => {
    const user = await createSignedInUser();
    const res = await mfaApi(user.token).me.mfa.totp.$post();
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await bodyAt(res, 201);
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(body.otpauth_uri).toContain(`secret=${body.secret}`);
    expect(body.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const row = await readTotp(user.id);
    expect(row?.confirmedAt).toBeNull();
    expect(row?.keyId).toBe("k1");
    expect(row?.ciphertext).not.toContain(body.secret);
    const status = await (await call("/users/me/mfa", { token: user.token })).json();
    expect(status).toMatchObject({ mfa_enabled: false, totp: { enabled: false, pending: true } });
    // Not active yet: the password alone still signs in.
    expect((await sessionFrom(await login(user.username, user.password))).token).toBeTruthy();
  });

  it("activates only with a valid code, then returns ten recovery codes stored hashed", async () => {
    const user = await createSignedInUser();
    const { secret } = await startTotp(user.token);
    const wrong = await post("/users/me/mfa/totp/confirm", { code: "000000" }, user.token);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "invalid_mfa_code" });
    expect((await post("/users/me/mfa/totp/confirm", { code: "12ab" }, user.token)).status).toBe(422);
    const ok = await confirmTotp(user.token, await totpCodeAt(secret, currentStep()));
    const { recovery_codes } = await bodyAt(ok, 200);
    expect(recovery_codes).toHaveLength(10);
    expect(new Set(recovery_codes).size).toBe(10);
    for (const code of recovery_codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const hashes = await recoveryCodeHashes(user.id);
    expect(hashes).toHaveLength(10);
    for (const hash of hashes) expect(recovery_codes).not.toContain(hash);
    const me = await (await call("/users/me", { token: user.token })).json();
    expect(me).toMatchObject({ mfa_enabled: true });
    // Confirming again, or starting over, is refused while it is active.
    expect((await post("/users/me/mfa/totp/confirm", { code: "123456" }, user.token)).status).toBe(409);
    const again = await post("/users/me/mfa/totp", {}, user.token);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "mfa_already_enabled" });
  });

  it("lets exactly one of two parallel confirmations with the same code win", async () => {
    const user = await createSignedInUser();
    const { secret } = await startTotp(user.token);
    const code = await totpCodeAt(secret, currentStep());
    const results = await Promise.all([confirmTotp(user.token, code), confirmTotp(user.token, code)]);
    const statuses = results.map((r) => r.status).sort();
    // The loser lost inside the conditional UPDATE (401) or ran after the winner and found nothing
    // pending (409); either way it stored nothing.
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const winner = results.find((r) => r.status === 200);
    if (!winner) throw new Error("no winner");
    const { recovery_codes } = await bodyAt(winner, 200);
    expect(await recoveryCodeHashes(user.id)).toHaveLength(10);
    expect(recovery_codes).toHaveLength(10);
  });

  it("removes the authenticator and the recovery codes on DELETE; the password alone signs in again", async () => {
    const user = await createUserWithTotp();
    const res = await call("/users/me/mfa/totp", { token: user.token, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await (await call("/users/me", { token: user.token })).json()).toMatchObject({
      mfa_enabled: false,
    });
    expect((await readSecondFactors(user.id)).recoveryCodes.total).toBe(0);
    expect((await sessionFrom(await login(user.username, user.password))).token).toBeTruthy();
    expect((await call("/users/me/mfa/totp", { token: user.token, method: "DELETE" })).status).toBe(409);
  });

  it("regenerates recovery codes: the old ones stop working, the new ones work once", async () => {
    const user = await createUserWithTotp();
    const { recovery_codes } = await bodyAt(await mfaApi(user.token).me.mfa["recovery-codes"].$post(), 200);
    const oldCode = user.recoveryCodes[0];
    const first = await startLogin(user);
    expect(
      (await post("/users/login/mfa", { challenge: first.body.challenge, recovery_code: oldCode })).status,
    ).toBe(401);
    const ok = await post("/users/login/mfa", {
      challenge: first.body.challenge,
      recovery_code: recovery_codes[0],
    });
    expect(ok.status).toBe(200);
    const status = await (await call("/users/me/mfa", { token: user.token })).json();
    expect(status).toMatchObject({
      recovery_codes: { remaining: 9, total: 10 },
      methods: ["totp", "recovery_code"],
    });
  });

  it("refuses recovery-code regeneration without a second factor", async () => {
    const user = await createSignedInUser();
    const res = await post("/users/me/mfa/recovery-codes", {}, user.token);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "mfa_not_enabled" });
  });

  it("needs a recent authentication to add or remove a factor", async () => {
    const user = await createUserWithTotp();
    await ageAuthentication(user.token, 301);
    for (const res of [
      await call("/users/me/mfa/totp", { token: user.token, method: "DELETE" }),
      await post("/users/me/mfa/recovery-codes", {}, user.token),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "reauthentication_required" });
    }
    await forgetUsedTotpStep(user.id);
    const re = await post(
      "/users/me/reauthenticate",
      { password: user.password, code: await totpCodeAt(user.secret, currentStep()) },
      user.token,
    );
    expect(re.status).toBe(200);
    expect((await call("/users/me/mfa/totp", { token: user.token, method: "DELETE" })).status).toBe(200);
  });
});
