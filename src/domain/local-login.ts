import { AppError } from "../core/errors";
import type { ServiceConfig } from "../core/settings";
import type { Database } from "../db/client";
import type { KvStore } from "../platform/metered-kv";
import { type AuditEntry, auditStatement } from "../storage/audit";
import { readUnknownFailures, writeUnknownFailures } from "../storage/login-failures";
import { findUserWithGroupByUsername, type UserWithGroup, userStatements } from "../storage/users";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "./passwords/password-hash";

/** One message for unknown user and wrong password, so answers do not reveal who exists. */
export const INVALID_CREDENTIALS = new AppError("invalid_credentials", "Invalid username or password");

export interface LoginAttempt {
  username: string;
  password: string;
  origin: Pick<AuditEntry, "requestId" | "clientRequestId" | "ip">;
}

/** The lock state after one more failure: locked from the threshold on, for a growing interval. */
function afterFailure(previousFailures: number, config: ServiceConfig, now: number) {
  const failures = previousFailures + 1;
  const seconds = lockSeconds(failures, config);
  const locks = failures >= config.loginMaxFailures;
  return { failures, seconds, lockedUntil: locks ? new Date(now + seconds * 1000).toISOString() : null };
}

const remainingSeconds = (lockedUntil: string | null, now: number) =>
  lockedUntil && Date.parse(lockedUntil) > now ? Math.ceil((Date.parse(lockedUntil) - now) / 1000) : 0;

/** Lock length after the n-th failure past the threshold: base, 2×base, 4×base … up to max. */
export function lockSeconds(failures: number, config: ServiceConfig): number {
  const over = Math.max(0, failures - config.loginMaxFailures);
  return Math.min(config.loginLockMaxSeconds, config.loginLockBaseSeconds * 2 ** Math.min(over, 30));
}

function lockedError(retryAfterSeconds: number): AppError {
  return new AppError("account_locked", "Too many failed sign-in attempts; try again later", {
    "Retry-After": String(retryAfterSeconds),
  });
}

/** The account-lockout state and identity a credential check needs. */
export type LockoutSubject = Pick<UserWithGroup, "id" | "failedAttempts" | "lockedUntil">;

export interface CredentialCheck {
  user: LockoutSubject;
  /** True when the credential is right; it runs only while the account is not locked. */
  verify: () => Promise<boolean>;
  /** Recorded as `reason` of the failure's audit entry (e.g. wrong_password, wrong_totp_code). */
  reason: string;
  audit: (action: string, details: Record<string, unknown>) => ReturnType<typeof auditStatement>;
  /** What a wrong credential answers. */
  wrong: AppError;
}

/**
 * The one account lockout, for every credential a user proves (password at sign-in and password
 * change, TOTP and recovery codes): while locked the answer is 429 whatever the credential; a
 * wrong one counts toward the lock, with its audit entry in the same batch.
 */
export async function verifyWithLockout(db: Database, config: ServiceConfig, check: CredentialCheck) {
  const now = Date.now();
  const locked = remainingSeconds(check.user.lockedUntil, now);
  if (locked > 0) throw lockedError(locked);
  if (await check.verify()) return;
  const next = afterFailure(check.user.failedAttempts, config, now);
  await db.batch([
    userStatements.recordLoginFailure(db, check.user.id, next.failures, next.lockedUntil),
    check.audit(next.lockedUntil ? "auth.account_locked" : "auth.login_failed", {
      reason: check.reason,
      failures: next.failures,
    }),
  ]);
  if (next.lockedUntil) throw lockedError(next.seconds);
  throw check.wrong;
}

export interface PasswordCheck {
  user: LockoutSubject & { passwordHash: string };
  password: string;
  audit: CredentialCheck["audit"];
  /** What a wrong password answers (sign-in: the generic 401; password change: wrong_password). */
  wrong: AppError;
}

/** `verifyWithLockout` for a password (sign-in, password change, re-authentication). */
export async function verifyPasswordWithLockout(
  db: Database,
  config: ServiceConfig,
  check: PasswordCheck,
): Promise<void> {
  await verifyWithLockout(db, config, {
    user: check.user,
    verify: () => verifyPassword(check.password, check.user.passwordHash),
    reason: "wrong_password",
    audit: check.audit,
    wrong: check.wrong,
  });
}

/**
 * The outcome of a correct password: a finished sign-in, or (the user has a second factor) one
 * that still needs it. In the second case nothing was reset: the failure counter keeps counting
 * until the second factor is proven, so knowing the password does not buy fresh code guesses.
 */
export type LocalLoginResult =
  | { user: UserWithGroup; secondFactorRequired: false }
  | { user: UserWithGroup; secondFactorRequired: true };

/**
 * Verifies local credentials. At most two D1 round trips: the lookup, then one batch holding the
 * counter update and its audit entry. While a temporary lock runs, the answer is the same 429
 * whether the password is right or wrong, and attempts do not extend the lock.
 */
type LoginAudit = (
  action: string,
  user: UserWithGroup | null,
  details?: Record<string, unknown>,
) => ReturnType<typeof auditStatement>;

/**
 * An unknown, deleted or password-less name: behaves exactly like an existing account — hashing,
 * failure count and lockout (kept in KV under a hash of the name) — so nothing reveals who exists.
 */
async function refuseUnknownUser(
  kv: KvStore,
  config: ServiceConfig,
  attempt: LoginAttempt,
  audit: LoginAudit,
): Promise<never> {
  const now = Date.now();
  const record = await readUnknownFailures(kv, attempt.username);
  const locked = remainingSeconds(record.lockedUntil, now);
  if (locked > 0) throw lockedError(locked);
  await burnPasswordCheck(attempt.password);
  const next = afterFailure(record.failures, config, now);
  await writeUnknownFailures(kv, attempt.username, {
    failures: next.failures,
    lockedUntil: next.lockedUntil,
  });
  await audit(next.lockedUntil ? "auth.account_locked" : "auth.login_failed", null, {
    reason: "unknown_user",
  }).run();
  if (next.lockedUntil) throw lockedError(next.seconds);
  throw INVALID_CREDENTIALS;
}

/** After the right password: the hash upgraded if due, and either a second factor asked for or the sign-in recorded. */
async function recordVerifiedPassword(
  db: Database,
  user: UserWithGroup & { passwordHash: string },
  password: string,
  audit: LoginAudit,
): Promise<LocalLoginResult> {
  const upgradedHash = needsRehash(user.passwordHash) ? await hashPassword(password) : undefined;
  if (user.mfaEnabled) {
    await db.batch([
      userStatements.upgradePasswordHash(db, user.id, upgradedHash ?? user.passwordHash),
      audit("auth.password_verified", user, { second_factor: "required" }),
    ]);
    return { user, secondFactorRequired: true };
  }
  await db.batch([userStatements.recordLoginSuccess(db, user.id, upgradedHash), audit("auth.login", user)]);
  return {
    user: { ...user, failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() },
    secondFactorRequired: false,
  };
}

export async function verifyLocalLogin(
  db: Database,
  kv: KvStore,
  config: ServiceConfig,
  attempt: LoginAttempt,
): Promise<LocalLoginResult> {
  const audit: LoginAudit = (action, user, details = {}) =>
    auditStatement(db, {
      action,
      actorId: user?.id ?? null,
      targetType: "user",
      targetId: user?.id ?? null,
      details: { username: attempt.username.slice(0, 64), ...details },
      ...attempt.origin,
    });

  const user = await findUserWithGroupByUsername(db, attempt.username);
  if (!user || user.deletedAt || !user.passwordHash) return refuseUnknownUser(kv, config, attempt, audit);
  const withPassword = { ...user, passwordHash: user.passwordHash };
  await verifyPasswordWithLockout(db, config, {
    user: withPassword,
    password: attempt.password,
    audit: (action, details) => audit(action, user, details),
    wrong: INVALID_CREDENTIALS,
  });
  if (user.status !== "ACTIVE") {
    // Only someone who knows the password learns that the account is disabled.
    await audit("auth.login_failed", user, { reason: `status_${user.status.toLowerCase()}` }).run();
    throw new AppError("account_disabled", "This account is disabled or locked by an administrator");
  }
  return recordVerifiedPassword(db, withPassword, attempt.password, audit);
}
