import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/crypto";
import { bodyAt, call, createSignedInUser, login } from "../helpers";
import { auditEntries, bumpSessionEpoch, readSessionRecord, rewriteKvRecord, secondsAgo } from "../seed";
import {
  createUserWithTotp,
  currentStep,
  finishLogin as finish,
  startLogin,
  stepWithMargin,
  totpCodeAt,
} from "./mfa-helpers";

describe("local sign-in with a second factor", () => {
  it("answers mfa_required (no session, no cookie) only after a correct password", async () => {
    const user = await createUserWithTotp();
    const { res, body } = await startLogin(user);
    expect(body).toEqual({
      mfa_required: true,
      methods: ["totp", "recovery_code"],
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expires_in: 300,
    });
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(body).not.toHaveProperty("token");
    // A wrong password answers exactly like an unknown user: nothing reveals the second factor.
    const wrong = await login(user.username, "wrong password!!");
    const unknown = await login(`nobody-${crypto.randomUUID()}`, "wrong password!!");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    // The challenge is no credential.
    expect((await call("/users/me", { token: body.challenge })).status).toBe(401);
  });

  it("finishes with a TOTP code, records amr and authTime, and never accepts the same code twice", async () => {
    const user = await createUserWithTotp();
    const step = await stepWithMargin(15);
    const first = await startLogin(user);
    const ok = await finish(first.body.challenge, { code: await totpCodeAt(user.secret, step) });
    expect(ok.headers.get("set-cookie")).toMatch(/^session=/);
    const session = await bodyAt(ok, 200);
    expect(session.user.mfa_enabled).toBe(true);
    expect((await call("/users/me", { token: session.token })).status).toBe(200);
    const record = await readSessionRecord(session.token);
    expect(record?.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(Math.abs(Date.parse(record?.authTime ?? "") - Date.now())).toBeLessThan(10_000);
    // The challenge is used up.
    const reused = await finish(first.body.challenge, { code: await totpCodeAt(user.secret, step + 1) });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ code: "invalid_mfa_challenge" });
    // The same code on a new challenge: refused (replay), and an earlier step too.
    const second = await startLogin(user);
    const replay = await finish(second.body.challenge, { code: await totpCodeAt(user.secret, step) });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "invalid_mfa_code" });
    expect(
      (await finish(second.body.challenge, { code: await totpCodeAt(user.secret, step - 1) })).status,
    ).toBe(401);
    // The next step (within the ±1 window) still works; two steps ahead does not.
    expect(
      (await finish(second.body.challenge, { code: await totpCodeAt(user.secret, step + 2) })).status,
    ).toBe(401);
    expect(
      (await finish(second.body.challenge, { code: await totpCodeAt(user.secret, step + 1) })).status,
    ).toBe(200);
  });

  it("lets exactly one of two parallel sign-ins with the same code win", async () => {
    const user = await createUserWithTotp();
    const [a, b] = await Promise.all([startLogin(user), startLogin(user)]);
    const code = await totpCodeAt(user.secret, currentStep());
    const results = await Promise.all([
      finish(a.body.challenge, { code }),
      finish(b.body.challenge, { code }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("accepts each recovery code once, also under a race", async () => {
    const user = await createUserWithTotp();
    const [a, b, c] = await Promise.all([startLogin(user), startLogin(user), startLogin(user)]);
    const code = user.recoveryCodes[0] ?? "";
    // Case, spaces and the dash do not matter.
    const results = await Promise.all([
      finish(a.body.challenge, { recovery_code: code.toUpperCase() }),
      finish(b.body.challenge, { recovery_code: code.replace("-", " ") }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const again = await finish(c.body.challenge, { recovery_code: code });
    expect(again.status).toBe(401);
    const ok = await finish(c.body.challenge, { recovery_code: user.recoveryCodes[1] ?? "" });
    const session = await bodyAt(ok, 200);
    expect((await readSessionRecord(session.token))?.amr).toEqual(["pwd", "rec", "mfa"]);
  });

  it("counts wrong codes toward the account lockout; a correct password does not reset it", async () => {
    const user = await createUserWithTotp();
    const { body } = await startLogin(user);
    for (let i = 0; i < 3; i++) {
      expect((await finish(body.challenge, { code: String(100000 + i) })).status).toBe(401);
    }
    // The password again: still counting (3 failures so far), a fresh challenge.
    const next = await startLogin(user);
    expect((await finish(next.body.challenge, { recovery_code: "aaaaa-aaaaa" })).status).toBe(401);
    const locking = await finish(next.body.challenge, { code: "999999" });
    expect(locking.status).toBe(429);
    expect(locking.headers.get("retry-after")).toMatch(/^\d+$/);
    // Locked: the right code and the right password are refused alike.
    const right = await finish(next.body.challenge, { code: await totpCodeAt(user.secret, currentStep()) });
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ code: "account_locked" });
    expect((await login(user.username, user.password)).status).toBe(429);
    const results = await auditEntries(user.id, "auth.login_failed", "auth.account_locked");
    expect(results.map((r) => r.details.reason)).toEqual([
      "wrong_totp_code",
      "wrong_totp_code",
      "wrong_totp_code",
      "wrong_recovery_code",
      "wrong_totp_code",
    ]);
    expect(results.at(-1)?.action).toBe("auth.account_locked");
  });

  it("refuses unknown, malformed, expired and voided challenges", async () => {
    const user = await createUserWithTotp();
    const code = await totpCodeAt(user.secret, currentStep());
    for (const challenge of ["x".repeat(43), "not a challenge"]) {
      const res = await finish(challenge, { code });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_mfa_challenge" });
    }
    // Expired: a record older than five minutes (KV's own TTL would have removed it too).
    const { body } = await startLogin(user);
    await rewriteKvRecord(`mfa-login:${await sha256Hex(body.challenge)}`, { createdAt: secondsAgo(301) });
    expect((await finish(body.challenge, { code })).status).toBe(400);
    // Voided: the user's sessions were ended (epoch bump) after the password step.
    const fresh = await startLogin(user);
    await bumpSessionEpoch(user.id);
    expect((await finish(fresh.body.challenge, { code })).status).toBe(400);
  });

  it("asks for exactly one of code and recovery_code", async () => {
    const user = await createUserWithTotp();
    const { body } = await startLogin(user);
    expect((await finish(body.challenge, {})).status).toBe(422);
    expect((await finish(body.challenge, { code: "123456", recovery_code: "abcde-fghij" })).status).toBe(422);
  });

  it("signs in users without a second factor as before, with amr pwd", async () => {
    const user = await createSignedInUser();
    expect((await readSessionRecord(user.token))?.amr).toEqual(["pwd"]);
  });
});
