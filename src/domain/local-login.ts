import type { Database } from "../db/client";
import type { ServiceConfig } from "../lib/config";
import { AppError } from "../lib/errors";
import { type AuditEntry, auditStatement } from "../storage/audit";
import { findUserWithGroupByUsername, type UserWithGroup, userStatements } from "../storage/users";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "./passwords/password-hash";

/** One message for unknown user and wrong password, so answers do not reveal who exists. */
export const INVALID_CREDENTIALS = new AppError(401, "invalid_credentials", "Invalid username or password");

export interface LoginAttempt {
  username: string;
  password: string;
  origin: Pick<AuditEntry, "requestId" | "ip">;
}

/** Lock length after the n-th failure past the threshold: base, 2×base, 4×base … up to max. */
export function lockSeconds(failures: number, config: ServiceConfig): number {
  const over = Math.max(0, failures - config.loginMaxFailures);
  return Math.min(config.loginLockMaxSeconds, config.loginLockBaseSeconds * 2 ** Math.min(over, 30));
}

function lockedError(retryAfterSeconds: number): AppError {
  return new AppError(429, "account_locked", "Too many failed sign-in attempts; try again later", {
    "Retry-After": String(retryAfterSeconds),
  });
}

/**
 * Verifies local credentials. At most two D1 round trips: the lookup, then one batch holding the
 * counter update and its audit entry. While a temporary lock runs, the answer is the same 429
 * whether the password is right or wrong, and attempts do not extend the lock.
 */
export async function verifyLocalLogin(
  db: Database,
  config: ServiceConfig,
  attempt: LoginAttempt,
): Promise<UserWithGroup> {
  const audit = (action: string, user: UserWithGroup | null, details: Record<string, unknown> = {}) =>
    auditStatement(db, {
      action,
      actorId: user?.id ?? null,
      targetType: "user",
      targetId: user?.id ?? null,
      details: { username: attempt.username.slice(0, 64), ...details },
      ...attempt.origin,
    });

  const user = await findUserWithGroupByUsername(db, attempt.username);
  if (!user || user.deletedAt || !user.passwordHash) {
    await burnPasswordCheck(attempt.password);
    await audit("auth.login_failed", null, { reason: "unknown_user" }).run();
    throw INVALID_CREDENTIALS;
  }

  const now = Date.now();
  if (user.lockedUntil && Date.parse(user.lockedUntil) > now) {
    throw lockedError(Math.ceil((Date.parse(user.lockedUntil) - now) / 1000));
  }

  if (!(await verifyPassword(attempt.password, user.passwordHash))) {
    const failures = user.failedAttempts + 1;
    const locks = failures >= config.loginMaxFailures;
    const seconds = lockSeconds(failures, config);
    const lockedUntil = locks ? new Date(now + seconds * 1000).toISOString() : null;
    await db.batch([
      userStatements.recordLoginFailure(db, user.id, failures, lockedUntil),
      audit(locks ? "auth.account_locked" : "auth.login_failed", user, {
        reason: "wrong_password",
        failures,
      }),
    ]);
    if (locks) throw lockedError(seconds);
    throw INVALID_CREDENTIALS;
  }

  if (user.status !== "ACTIVE") {
    // Only someone who knows the password learns that the account is disabled.
    await audit("auth.login_failed", user, { reason: `status_${user.status.toLowerCase()}` }).run();
    throw new AppError(403, "account_disabled", "This account is disabled or locked by an administrator");
  }

  const upgradedHash = needsRehash(user.passwordHash) ? await hashPassword(attempt.password) : undefined;
  await db.batch([userStatements.recordLoginSuccess(db, user.id, upgradedHash), audit("auth.login", user)]);
  return { ...user, failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date(now).toISOString() };
}
