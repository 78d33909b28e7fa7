import { currentStep, totpCodeAt } from "../../src/domain/mfa/totp";
import { bodyAt, call, client, createSignedInUser, login, randomIp } from "../helpers";
import { forgetUsedTotpStep, rewriteKvRecord, secondsAgo, sessionKeyOf } from "../seed";

export { currentStep, totpCodeAt };

/** A raw POST, for bodies the typed client refuses (malformed codes, missing proofs). */
export const post = (path: string, body: unknown, token?: string) =>
  call(path, { method: "POST", json: body, token: token, headers: { "cf-connecting-ip": randomIp() } });

/** The typed client for a caller, from a fresh address (the per-address throttle never interferes). */
export const mfaApi = (token?: string) => client({ token, ip: randomIp() }).users;

/** Starts TOTP enrolment; the new secret, its otpauth URI and QR code (201). */
export const startTotp = async (token: string) => bodyAt(await mfaApi(token).me.mfa.totp.$post(), 201);

export const confirmTotp = (token: string, code: string) =>
  mfaApi(token).me.mfa.totp.confirm.$post({ json: { code } });

/** Finishes a sign-in waiting for its second factor with a TOTP or recovery code. */
export const finishLogin = (challenge: string, proof: { code?: string; recovery_code?: string }) =>
  mfaApi().login.mfa.$post({ json: { challenge, ...proof } });

/** Makes the session's last authentication `seconds` old, as if signed in that long ago. */
export async function ageAuthentication(token: string, seconds: number) {
  await rewriteKvRecord(await sessionKeyOf(token), { authTime: secondsAgo(seconds) });
}

/** A signed-in user with a confirmed TOTP authenticator; the confirmation used step − 1. */
export async function createUserWithTotp() {
  const user = await createSignedInUser();
  const { secret } = await startTotp(user.token);
  const step = await stepWithMargin(3);
  const confirmed = await confirmTotp(user.token, await totpCodeAt(secret, step - 1));
  const { recovery_codes } = await bodyAt(confirmed, 200);
  await forgetUsedTotpStep(user.id);
  return { ...user, secret, recoveryCodes: recovery_codes };
}

/** The first factor of a user with a second factor: the challenge to finish with. */
export async function startLogin(user: { username: string; password: string }) {
  const res = await login(user.username, user.password);
  const body = await bodyAt(res, 200);
  if (!("mfa_required" in body)) throw new Error("expected a second-factor challenge");
  return { res, body };
}

/**
 * The current TOTP step, once at least `marginSeconds` of it remain (waiting otherwise), so a test
 * doing arithmetic on steps does not straddle a step boundary.
 */
export async function stepWithMargin(marginSeconds = 10): Promise<number> {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < marginSeconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100));
  return currentStep();
}
