import { Buffer } from "node:buffer";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken, sha256Hex } from "../../core/crypto";
import { AppError, notFound } from "../../core/errors";
import { isPlainHttpLoopback } from "../../core/hosts";
import { readConfig } from "../../core/settings";
import {
  fromB64url,
  PASSKEY_ALGORITHMS,
  relyingParty,
  verifyAssertion,
  verifyRegistration,
} from "../../domain/mfa/passkeys";
import { canHoldSession } from "../../domain/sessions/session-validity";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { requireStepUp } from "../../http/authenticate";
import { issueSession } from "../../http/issue-session";
import { auditBase, auditEntry, clientIp } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { throttle } from "../../http/throttle";
import { auditIfChangedStatement, auditStatement } from "../../storage/audit";
import { findPasskeyByCredentialId, findUserPasskeys, passkeyStatements } from "../../storage/passkeys";
import { findUserWithGroupById, userStatements } from "../../storage/users";
import {
  saveWebauthnChallenge,
  takeWebauthnChallenge,
  WEBAUTHN_CHALLENGE_TTL_SECONDS,
  type WebauthnChallengeRecord,
} from "../../storage/webauthn-challenges";
import type * as routes from "./passkeys.routes";
import { toPasskeyWire } from "./passkeys.schemas";

type Ctx = Context<AppEnv>;
const BINDING_COOKIE = "webauthn_binding";
const refused = (why: string) => new AppError("invalid_passkey", `Passkey refused: ${why}`);
const rpOf = (c: Ctx) => relyingParty(readConfig(c.env), c.req.url);

/** A new challenge bound to this browser (like OIDC state): KV record + HttpOnly cookie with the secret. */
async function issueChallenge(c: Ctx, purpose: WebauthnChallengeRecord["purpose"], userId: string | null) {
  const challenge = randomToken();
  const binding = randomToken();
  await saveWebauthnChallenge(c.var.kv, challenge, {
    purpose,
    userId,
    bindingHash: await sha256Hex(binding),
    createdAt: new Date().toISOString(),
  });
  const secure = !isPlainHttpLoopback(new URL(c.req.url));
  setCookie(c, BINDING_COOKIE, binding, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/api/v1/users",
    maxAge: WEBAUTHN_CHALLENGE_TTL_SECONDS,
    secure,
  });
  c.header("Cache-Control", "no-store");
  return challenge;
}

/** The challenge the browser signed (from clientDataJSON), taken once and checked against this browser. */
async function takeChallenge(c: Ctx, clientDataJSON: string, purpose: WebauthnChallengeRecord["purpose"]) {
  let challenge: unknown;
  try {
    challenge = JSON.parse(new TextDecoder().decode(fromB64url(clientDataJSON))).challenge;
  } catch {
    throw refused("malformed clientDataJSON");
  }
  const record = typeof challenge === "string" ? await takeWebauthnChallenge(c.var.kv, challenge) : null;
  if (!record || typeof challenge !== "string" || record.purpose !== purpose) {
    throw refused("unknown, expired or used challenge");
  }
  const binding = getCookie(c, BINDING_COOKIE);
  deleteCookie(c, BINDING_COOKIE, { path: "/api/v1/users" });
  if (!binding || (await sha256Hex(binding)) !== record.bindingHash)
    throw refused("challenge of another browser");
  return { challenge, record };
}

export const passkeyRegistrationOptionsHandler: AppRouteHandler<
  typeof routes.passkeyRegistrationOptions
> = async (c) => {
  requireStepUp(c);
  const { user } = c.var.auth;
  const rp = rpOf(c);
  const existing = await findUserPasskeys(c.var.db, user.id);
  const challenge = await issueChallenge(c, "register", user.id);
  return c.json(
    {
      challenge,
      rp: { id: rp.id, name: "Edge Users" },
      user: {
        id: Buffer.from(user.id).toString("base64url"),
        name: user.username,
        displayName: user.displayName ?? user.username,
      },
      pubKeyCredParams: PASSKEY_ALGORITHMS.map((alg) => ({ type: "public-key" as const, alg })),
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
      attestation: "none" as const,
      authenticatorSelection: {
        residentKey: "required" as const,
        requireResidentKey: true as const,
        userVerification: "required" as const,
      },
      excludeCredentials: existing.map((p) => ({ type: "public-key" as const, id: p.credentialId })),
    },
    200,
  );
};

export const registerPasskeyHandler: AppRouteHandler<typeof routes.registerPasskey> = async (c) => {
  requireStepUp(c);
  const { name, credential } = c.req.valid("json");
  const { user } = c.var.auth;
  const { challenge, record } = await takeChallenge(c, credential.response.clientDataJSON, "register");
  if (record.userId !== user.id) throw refused("challenge of another user");
  const registered = verifyRegistration(credential.response, challenge, rpOf(c));
  const id = crypto.randomUUID();
  const db = c.var.db;
  const [inserted] = await db.batch([
    passkeyStatements.insert(db, { id, userId: user.id, name, ...registered }),
    auditIfChangedStatement(db, auditEntry(c, "mfa.passkey_added", {}, { passkey_id: id, name })),
  ]);
  if (inserted.length === 0) throw refused("this credential is registered already");
  const row = (await findUserPasskeys(db, user.id)).find((p) => p.id === id);
  if (!row) throw notFound("Passkey");
  return c.json(toPasskeyWire(row), 201);
};

export const listPasskeysHandler: AppRouteHandler<typeof routes.listPasskeys> = async (c) =>
  c.json({ data: (await findUserPasskeys(c.var.db, c.var.auth.user.id)).map(toPasskeyWire) }, 200);

export const deletePasskeyHandler: AppRouteHandler<typeof routes.deletePasskey> = async (c) => {
  requireStepUp(c);
  const { passkey_id } = c.req.valid("param");
  const db = c.var.db;
  const [removed] = await db.batch([
    passkeyStatements.remove(db, c.var.auth.user.id, passkey_id),
    auditIfChangedStatement(db, auditEntry(c, "mfa.passkey_removed", {}, { passkey_id })),
  ]);
  if (removed.length === 0) throw notFound("Passkey");
  return c.json({ ok: true as const }, 200);
};

export const passkeyLoginOptionsHandler: AppRouteHandler<typeof routes.passkeyLoginOptions> = async (c) => {
  await throttle(c.env.LOGIN_LIMITER, `login:${clientIp(c) ?? "unknown"}`);
  const rp = rpOf(c);
  const challenge = await issueChallenge(c, "login", null);
  return c.json(
    {
      challenge,
      rpId: rp.id,
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
      userVerification: "required" as const,
      allowCredentials: [],
    },
    200,
  );
};

export const loginPasskeyHandler: AppRouteHandler<typeof routes.loginPasskey> = async (c) => {
  const { credential } = c.req.valid("json");
  await throttle(c.env.LOGIN_LIMITER, `login:${clientIp(c) ?? "unknown"}`);
  const { challenge } = await takeChallenge(c, credential.response.clientDataJSON, "login");
  const db = c.var.primaryDb;
  const passkey = await findPasskeyByCredentialId(db, credential.id);
  if (!passkey) throw refused("unknown credential");
  const handle = credential.response.userHandle;
  if (handle && handle !== Buffer.from(passkey.userId).toString("base64url"))
    throw refused("wrong user handle");
  const origin = auditBase(c, { actorId: passkey.userId, targetId: passkey.userId });
  const result = await verifyAssertion(credential.response, passkey, challenge, rpOf(c));
  if (!result.ok) {
    await auditStatement(db, {
      ...origin,
      action: result.reason === "counter_regressed" ? "auth.passkey_counter_regressed" : "auth.login_failed",
      details: { reason: result.reason, passkey_id: passkey.id },
    }).run();
    throw refused(
      result.reason === "counter_regressed" ? "signature counter went backwards" : "invalid assertion",
    );
  }
  const user = await findUserWithGroupById(db, passkey.userId);
  if (!user || user.deletedAt) throw refused("unknown credential");
  if (!canHoldSession(user)) {
    await auditStatement(db, { ...origin, action: "auth.login_failed", details: { reason: "status" } }).run();
    throw new AppError("account_disabled", "This account is disabled or locked by an administrator");
  }
  const [used] = await db.batch([
    passkeyStatements.recordUse(db, passkey.id, passkey.signCount, result.signCount, result.backedUp),
    auditIfChangedStatement(db, {
      ...origin,
      action: "auth.login",
      details: { username: user.username, method: "passkey", passkey_id: passkey.id },
    }),
  ]);
  if (used.length === 0) throw refused("used concurrently");
  await userStatements.recordLoginSuccess(db, user.id).run();
  const signedIn = { ...user, failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() };
  const session = await issueSession(c, signedIn, "passkey", { cookie: true, amr: ["hwk", "user", "mfa"] });
  return c.json(toSessionWire(signedIn, session), 200);
};
