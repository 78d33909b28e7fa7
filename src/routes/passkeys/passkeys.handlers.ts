import { Buffer } from "node:buffer";
import { AppError, notFound } from "../../core/errors";
import { PASSKEY_ALGORITHMS, PASSKEY_AMR, verifyRegistration } from "../../domain/mfa/passkeys";
import { canHoldSession } from "../../domain/sessions/session-validity";
import type { AppRouteHandler } from "../../http/app-env";
import { issueSession } from "../../http/issue-session";
import {
  checkPasskeyAssertion,
  issueWebauthnChallenge,
  passkeyRefused,
  passkeyRequestOptions,
  relyingPartyOf,
  takeSignedChallenge,
} from "../../http/passkey-ceremony";
import { throttleSignIn } from "../../http/rate-limit";
import { requireStepUp } from "../../http/recent-authentication";
import { auditBase, auditEntry } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { auditIfChangedStatement, auditStatement } from "../../storage/audit";
import { mfaStatements } from "../../storage/mfa-factors";
import { findUserPasskeys, passkeyStatements } from "../../storage/passkeys";
import { findUserWithGroupById, userStatements } from "../../storage/users";
import { WEBAUTHN_CHALLENGE_TTL_SECONDS } from "../../storage/webauthn-challenges";
import type * as routes from "./passkeys.routes";
import { toPasskeyWire } from "./passkeys.schemas";

export const passkeyRegistrationOptionsHandler: AppRouteHandler<
  typeof routes.passkeyRegistrationOptions
> = async (c) => {
  requireStepUp(c);
  const { user } = c.var.auth;
  const rp = relyingPartyOf(c);
  const existing = await findUserPasskeys(c.var.db, user.id);
  const challenge = await issueWebauthnChallenge(c, "register", user.id);
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
  const { challenge, record } = await takeSignedChallenge(c, credential.response.clientDataJSON, "register");
  if (record.userId !== user.id) throw passkeyRefused("challenge of another user");
  const registered = verifyRegistration(credential.response, challenge, relyingPartyOf(c));
  const id = crypto.randomUUID();
  const db = c.var.db;
  const [inserted] = await db.batch([
    passkeyStatements.insert(db, { id, userId: user.id, name, ...registered }),
    auditIfChangedStatement(db, auditEntry(c, "mfa.passkey_added", {}, { passkey_id: id, name })),
    mfaStatements.recomputeMfaEnabled(db, user.id),
  ]);
  if (inserted.length === 0) throw passkeyRefused("this credential is registered already");
  const row = (await findUserPasskeys(db, user.id)).find((p) => p.id === id);
  if (!row) throw notFound("Passkey");
  return c.json(toPasskeyWire(row), 201);
};

export const listPasskeysHandler: AppRouteHandler<typeof routes.listPasskeys> = async (c) =>
  c.json({ data: (await findUserPasskeys(c.var.db, c.var.auth.user.id)).map(toPasskeyWire) }, 200);

export const renamePasskeyHandler: AppRouteHandler<typeof routes.renamePasskey> = async (c) => {
  const { passkey_id } = c.req.valid("param");
  const { name } = c.req.valid("json");
  const db = c.var.db;
  const [renamed] = await db.batch([
    passkeyStatements.rename(db, c.var.auth.user.id, passkey_id, name),
    auditIfChangedStatement(db, auditEntry(c, "mfa.passkey_renamed", {}, { passkey_id, name })),
  ]);
  const [row] = renamed;
  if (!row) throw notFound("Passkey");
  return c.json(toPasskeyWire(row), 200);
};

export const deletePasskeyHandler: AppRouteHandler<typeof routes.deletePasskey> = async (c) => {
  requireStepUp(c);
  const { passkey_id } = c.req.valid("param");
  const db = c.var.db;
  const [removed] = await db.batch([
    passkeyStatements.remove(db, c.var.auth.user.id, passkey_id),
    auditIfChangedStatement(db, auditEntry(c, "mfa.passkey_removed", {}, { passkey_id })),
    mfaStatements.deleteRecoveryCodesIfNoFactor(db, c.var.auth.user.id),
    mfaStatements.recomputeMfaEnabled(db, c.var.auth.user.id),
  ]);
  if (removed.length === 0) throw notFound("Passkey");
  return c.json({ ok: true as const }, 200);
};

export const passkeyLoginOptionsHandler: AppRouteHandler<typeof routes.passkeyLoginOptions> = async (c) => {
  await throttleSignIn(c);
  return c.json(await passkeyRequestOptions(c, "login", null), 200);
};

export const loginPasskeyHandler: AppRouteHandler<typeof routes.loginPasskey> = async (c) => {
  const { credential } = c.req.valid("json");
  await throttleSignIn(c);
  const passkey = await checkPasskeyAssertion(c, credential);
  const db = c.var.primaryDb;
  const origin = auditBase(c, { actorId: passkey.userId, targetId: passkey.userId });
  const user = await findUserWithGroupById(db, passkey.userId);
  if (!user || user.deletedAt) throw passkeyRefused("unknown credential");
  if (!canHoldSession(user)) {
    await auditStatement(db, { ...origin, action: "auth.login_failed", details: { reason: "status" } }).run();
    throw new AppError("account_disabled", "This account is disabled or locked by an administrator");
  }
  await db.batch([
    userStatements.recordLoginSuccess(db, user.id),
    auditStatement(db, {
      ...origin,
      action: "auth.login",
      details: { username: user.username, method: "passkey", passkey_id: passkey.id },
    }),
  ]);
  const signedIn = { ...user, failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() };
  const session = await issueSession(c, signedIn, "passkey", { cookie: true, amr: PASSKEY_AMR });
  return c.json(toSessionWire(signedIn, session), 200);
};
