import type { Context } from "hono";
import { AppError, invalid } from "../../core/errors";
import { readConfig } from "../../core/settings";
import { verifyPasswordWithLockout } from "../../domain/local-login";
import { mustHaveSecondFactor } from "../../domain/mfa/mfa-requirement";
import { PASSKEY_AMR } from "../../domain/mfa/passkeys";
import {
  confirmTotpEnrolment,
  removeTotp,
  replaceRecoveryCodes,
  type SecondFactorProof,
  secondFactorMethods,
  startTotpEnrolment,
  verifySecondFactor,
} from "../../domain/mfa/second-factor";
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "../../domain/mfa/totp";
import { loadKeyRing } from "../../domain/preferences/key-encryption";
import { canHoldSession } from "../../domain/sessions/session-validity";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { callerSession } from "../../http/authenticate";
import { issueSession } from "../../http/issue-session";
import {
  type AssertionInput,
  passkeyRequestOptions,
  verifyPasskeyWithLockout,
} from "../../http/passkey-ceremony";
import { throttle, throttleSignIn } from "../../http/rate-limit";
import { requireStepUp } from "../../http/recent-authentication";
import { auditBase, auditEntry } from "../../http/request-context";
import { toSessionWire } from "../../http/schemas/user";
import { auditStatement } from "../../storage/audit";
import { deleteMfaChallenge, readMfaChallenge } from "../../storage/mfa-challenges";
import { findSecondFactors } from "../../storage/mfa-factors";
import { findUserPasskeys } from "../../storage/passkeys";
import { refreshSessionAuthentication } from "../../storage/sessions";
import { findUserWithGroupById, userStatements } from "../../storage/users";
import type * as routes from "./mfa.routes";

/** The key ring, only loaded when a TOTP secret is read or written (503 when not configured). */
const keyRing = (env: Env) => loadKeyRing(env.ENCRYPTION_KEY);

/** The proof in a body that may carry `code` or `recovery_code`, or null for neither. */
function proofOf(body: { code?: string; recovery_code?: string }): SecondFactorProof | null {
  if (body.code !== undefined) return { totpCode: body.code };
  if (body.recovery_code !== undefined) return { recoveryCode: body.recovery_code };
  return null;
}

export const getMfaStatusHandler: AppRouteHandler<typeof routes.getMfaStatus> = async (c) => {
  const { user } = c.var.auth;
  const factors = await findSecondFactors(c.var.db, user.id);
  return c.json(
    {
      mfa_enabled: user.mfaEnabled,
      mfa_required: mustHaveSecondFactor(user, readConfig(c.env)),
      totp: { enabled: factors.totp, pending: factors.totpPending },
      recovery_codes: factors.recoveryCodes,
      passkeys: factors.passkeys,
      methods: secondFactorMethods(factors),
    },
    200,
  );
};

export const startTotpHandler: AppRouteHandler<typeof routes.startTotp> = async (c) => {
  requireStepUp(c);
  const enrolment = await startTotpEnrolment(c.var.db, await keyRing(c.env), c.var.auth.user, auditBase(c));
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      secret: enrolment.secret,
      otpauth_uri: enrolment.uri,
      qr_svg: enrolment.qrSvg,
      period: TOTP_PERIOD_SECONDS,
      digits: TOTP_DIGITS,
    },
    201,
  );
};

export const confirmTotpHandler: AppRouteHandler<typeof routes.confirmTotp> = async (c) => {
  requireStepUp(c);
  const { code } = c.req.valid("json");
  await throttle(c.env.LOGIN_LIMITER, `mfa-confirm:${c.var.auth.user.id}`, "Too many attempts; slow down");
  const codes = await confirmTotpEnrolment(
    c.var.db,
    await keyRing(c.env),
    c.var.auth.user,
    code,
    auditBase(c),
  );
  c.header("Cache-Control", "no-store");
  return c.json({ recovery_codes: codes }, 200);
};

export const disableTotpHandler: AppRouteHandler<typeof routes.disableTotp> = async (c) => {
  requireStepUp(c);
  await removeTotp(c.var.db, c.var.auth.user, auditBase(c));
  return c.json({ ok: true as const }, 200);
};

export const regenerateRecoveryCodesHandler: AppRouteHandler<typeof routes.regenerateRecoveryCodes> = async (
  c,
) => {
  requireStepUp(c);
  const codes = await replaceRecoveryCodes(c.var.db, c.var.auth.user, auditBase(c));
  c.header("Cache-Control", "no-store");
  return c.json({ recovery_codes: codes }, 200);
};

/** Request options for a re-authentication with one of the signed-in user's passkeys. */
export const reauthenticatePasskeyOptionsHandler: AppRouteHandler<
  typeof routes.reauthenticatePasskeyOptions
> = async (c) => {
  const { user } = c.var.auth;
  // Each call writes a challenge and replaces the browser's binding cookie: throttled per user.
  await throttle(
    c.env.LOGIN_LIMITER,
    `reauth:${user.id}`,
    "Too many re-authentication attempts; try again in a minute",
  );
  const passkeys = await findUserPasskeys(c.var.db, user.id);
  // Without one, an empty allowCredentials would let the browser offer any passkey on the device.
  if (passkeys.length === 0)
    throw new AppError("mfa_not_enabled", "You have no passkey; re-authenticate another way");
  const credentialIds = passkeys.map((p) => p.credentialId);
  return c.json(await passkeyRequestOptions(c, "reauthenticate", { id: user.id, credentialIds }), 200);
};

export const reauthenticateHandler: AppRouteHandler<typeof routes.reauthenticate> = async (c) => {
  const body = c.req.valid("json");
  const { user } = c.var.auth;
  const { sessionId, session } = callerSession(c);
  const config = readConfig(c.env);
  await throttle(c.env.LOGIN_LIMITER, `reauth:${user.id}`, "Too many attempts; slow down");
  const audit = (action: string, details: Record<string, unknown>) =>
    auditStatement(c.var.db, auditEntry(c, action, {}, details));
  const amr = body.passkey
    ? await reauthenticateWithPasskey(c, body.passkey, audit)
    : await reauthenticateWithSecrets(c, body, audit);
  const refreshed = await refreshSessionAuthentication(
    c.var.kv,
    sessionId,
    session,
    amr,
    config.sessionIdleSeconds,
  );
  await audit("auth.reauthenticated", { amr }).run();
  return c.json({ auth_time: refreshed.authTime ?? refreshed.createdAt, amr }, 200);
};

type ReauthAudit = (action: string, details: Record<string, unknown>) => ReturnType<typeof auditStatement>;

/**
 * A passkey with user verification is two factors by itself: it alone re-authenticates whoever has
 * one (password, OIDC or passkey-only accounts alike), with the `amr` of a passkey sign-in.
 */
async function reauthenticateWithPasskey(
  c: Context<AppEnv>,
  credential: AssertionInput,
  audit: ReauthAudit,
): Promise<string[]> {
  await verifyPasskeyWithLockout(c, { user: c.var.auth.user, credential, purpose: "reauthenticate", audit });
  return [...PASSKEY_AMR];
}

/** The password (when the account has one), then the TOTP or recovery code (when it has a factor). */
async function reauthenticateWithSecrets(
  c: Context<AppEnv>,
  body: { password?: string; code?: string; recovery_code?: string },
  audit: ReauthAudit,
): Promise<string[]> {
  const { user } = c.var.auth;
  const config = readConfig(c.env);
  if (!user.passwordHash && !user.mfaEnabled) {
    throw new AppError("no_local_password", "This account signs in through OIDC: sign in again there");
  }
  const proof = proofOf(body);
  if (user.passwordHash && body.password === undefined)
    throw invalid(["body", "password"], "Password (or a passkey) required");
  if (!user.passwordHash && body.password !== undefined) {
    throw new AppError("no_local_password", "This account has no password; send the second factor only");
  }
  if (user.mfaEnabled && !proof) {
    throw invalid(["body", "code"], "A TOTP code, a recovery code or a passkey is required");
  }
  if (!user.mfaEnabled && proof) throw invalid(["body", "code"], "This account has no second factor");
  const amr: string[] = [];
  if (user.passwordHash && body.password !== undefined) {
    await verifyPasswordWithLockout(c.var.db, config, {
      user: { ...user, passwordHash: user.passwordHash },
      password: body.password,
      audit,
      wrong: new AppError("wrong_password", "The password is wrong"),
    });
    amr.push("pwd");
  }
  if (proof) {
    const factor = await verifySecondFactor(c.var.db, () => keyRing(c.env), config, {
      user,
      proof,
      origin: auditBase(c),
    });
    amr.push(factor, "mfa");
  }
  return amr;
}

const invalidChallenge = () =>
  new AppError("invalid_mfa_challenge", "Unknown, expired or used sign-in challenge: sign in again");

export const loginMfaHandler: AppRouteHandler<typeof routes.loginMfa> = async (c) => {
  const body = c.req.valid("json");
  const config = readConfig(c.env);
  await throttleSignIn(c);
  const record = await readMfaChallenge(c.var.kv, body.challenge);
  if (!record) throw invalidChallenge();
  const user = await findUserWithGroupById(c.var.primaryDb, record.userId);
  if (!user?.mfaEnabled || !canHoldSession(user, record.epoch)) throw invalidChallenge();
  const origin = auditBase(c, { actorId: user.id, targetId: user.id });
  let factor: string;
  if (body.passkey) {
    // The same lockout: another account's passkey or a bad assertion counts as a failure.
    await verifyPasskeyWithLockout(c, {
      user,
      credential: body.passkey,
      purpose: "login",
      audit: (action, details) => auditStatement(c.var.primaryDb, { ...origin, action, details }),
    });
    factor = "hwk";
  } else {
    const proof = proofOf(body);
    if (!proof) throw invalid(["body", "code"], "Send exactly one of code, recovery_code and passkey");
    factor = await verifySecondFactor(c.var.primaryDb, () => keyRing(c.env), config, { user, proof, origin });
  }
  await c.var.primaryDb.batch([
    userStatements.recordLoginSuccess(c.var.primaryDb, user.id),
    auditStatement(c.var.primaryDb, {
      ...origin,
      action: "auth.login",
      details: { username: user.username, method: record.method, second_factor: factor },
    }),
  ]);
  await deleteMfaChallenge(c.var.kv, body.challenge);
  const signedIn = { ...user, failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() };
  const session = await issueSession(c, signedIn, record.method, {
    cookie: true,
    amr: [...record.amr, factor, "mfa"],
  });
  return c.json(toSessionWire(signedIn, session), 200);
};
