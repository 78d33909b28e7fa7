import { env } from "cloudflare:workers";
import { sha256Hex } from "../../src/core/crypto";
import { currentStep, totpCodeAt } from "../../src/domain/mfa/totp";
import { bodyAt, call, createSignedInUser, login, randomIp } from "../helpers";

export { currentStep, totpCodeAt };

export const post = (path: string, body: unknown, token?: string) =>
  call(path, { method: "POST", json: body, token: token, headers: { "cf-connecting-ip": randomIp() } });

/** The KV key of a token's session (storage/sessions.ts layout). */
async function sessionKey(token: string) {
  const [userId, secret] = token.split(".");
  return `session:${userId}:${await sha256Hex(secret ?? "")}`;
}

/** Makes the session's last authentication `seconds` old, as if signed in that long ago. */
export async function ageAuthentication(token: string, seconds: number) {
  const key = await sessionKey(token);
  const record = await env.KV.get<Record<string, unknown>>(key, "json");
  if (!record) throw new Error("no session");
  await env.KV.put(
    key,
    JSON.stringify({ ...record, authTime: new Date(Date.now() - seconds * 1000).toISOString() }),
  );
}

export async function readSessionRecord(token: string) {
  return env.KV.get<{ authTime?: string; amr?: string[] }>(await sessionKey(token), "json");
}

/** Lets a test use the same steps again (the stored last step is what prevents replays). */
export async function forgetUsedStep(userId: string) {
  await env.DB.prepare("UPDATE user_totp SET last_used_step = NULL WHERE user_id = ?").bind(userId).run();
}

/** A signed-in user with a confirmed TOTP authenticator; the confirmation used step − 1. */
export async function createUserWithTotp() {
  const user = await createSignedInUser();
  const started = await post("/users/me/mfa/totp", {}, user.token);
  if (started.status !== 201) throw new Error(`enrol: ${started.status} ${await started.text()}`);
  const { secret } = (await started.json()) as { secret: string };
  const step = await stepWithMargin(3);
  const confirmed = await post(
    "/users/me/mfa/totp/confirm",
    { code: await totpCodeAt(secret, step - 1) },
    user.token,
  );
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${await confirmed.text()}`);
  const { recovery_codes } = (await confirmed.json()) as { recovery_codes: string[] };
  await forgetUsedStep(user.id);
  return { ...user, secret, recoveryCodes: recovery_codes };
}

export interface MfaRequired {
  mfa_required: true;
  methods: string[];
  challenge: string;
  expires_in: number;
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
