import { AppError } from "../../core/errors";
import type { ServiceConfig } from "../../core/settings";
import type { Database } from "../../db/client";
import { type AuditEntry, auditIfChangedStatement, auditStatement } from "../../storage/audit";
import { findTotp, mfaStatements } from "../../storage/mfa-factors";
import { passkeyStatements } from "../../storage/passkeys";
import type { UserWithGroup } from "../../storage/users";
import { type LockoutSubject, verifyWithLockout } from "../local-login";
import type { KeyRing } from "../preferences/key-encryption";
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from "./recovery-codes";
import { matchingStep, newTotpSecret } from "./totp";

/** The proof a caller offers for the second factor. */
export type SecondFactorProof = { totpCode: string } | { recoveryCode: string };

/** What audit entries need from the request, without the action. */
export type AuditOrigin = Omit<AuditEntry, "action" | "details">;

const wrongCode = () => new AppError("invalid_mfa_code", "Wrong, already used or expired code");

/**
 * Checks a TOTP code or a recovery code under the account lockout shared with passwords: a wrong,
 * replayed or used code counts as a failed sign-in. A TOTP code is accepted once (its step is
 * stored by a conditional UPDATE, so of two parallel uses one wins), a recovery code is burnt by
 * a conditional UPDATE too. Returns the RFC 8176 `amr` value of the factor used.
 */
export async function verifySecondFactor(
  db: Database,
  ring: () => Promise<KeyRing>,
  config: ServiceConfig,
  input: { user: LockoutSubject; proof: SecondFactorProof; origin: AuditOrigin },
): Promise<"otp" | "rec"> {
  const { user, proof } = input;
  const audit = (action: string, details: Record<string, unknown>) =>
    auditStatement(db, { ...input.origin, action, details });
  if ("totpCode" in proof) {
    await verifyWithLockout(db, config, {
      user,
      reason: "wrong_totp_code",
      audit,
      wrong: wrongCode(),
      verify: async () => {
        const stored = await findTotp(db, user.id);
        if (!stored?.confirmedAt) return false;
        const step = await matchingStep(await ring(), stored, proof.totpCode.trim());
        if (step === null) return false;
        const used = await mfaStatements.useTotpStep(db, user.id, step, false);
        return used.length === 1;
      },
    });
    return "otp";
  }
  await verifyWithLockout(db, config, {
    user,
    reason: "wrong_recovery_code",
    audit,
    wrong: wrongCode(),
    verify: async () => {
      const normalized = normalizeRecoveryCode(proof.recoveryCode);
      if (!normalized) return false;
      const used = await mfaStatements.useRecoveryCode(db, user.id, await hashRecoveryCode(normalized));
      return used.length === 1;
    },
  });
  return "rec";
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

/** Starts (or restarts) enrolment: a new secret, stored encrypted and unconfirmed. */
export async function startTotpEnrolment(
  db: Database,
  ring: KeyRing,
  user: UserWithGroup,
  audit: AuditOrigin,
): Promise<TotpEnrolment> {
  const fresh = await newTotpSecret(ring, user.id, user.username);
  const [started] = await db.batch([
    mfaStatements.startTotp(db, user.id, fresh.keyId, fresh.ciphertext),
    auditIfChangedStatement(db, { ...audit, action: "mfa.totp_enrolment_started", details: {} }),
  ]);
  if (started.length === 0)
    throw new AppError("mfa_already_enabled", "A TOTP authenticator is already active");
  return { secret: fresh.secret, uri: fresh.uri, qrSvg: fresh.qrSvg };
}

/**
 * Confirms enrolment with a valid code: the secret becomes active, `mfa_enabled` is set and the
 * ten recovery codes are stored (hashed) and returned, once. One batch; the codes and the audit
 * entry are written only by the request whose conditional confirmation changed the row.
 */
export async function confirmTotpEnrolment(
  db: Database,
  ring: KeyRing,
  user: UserWithGroup,
  code: string,
  audit: AuditOrigin,
): Promise<string[]> {
  const stored = await findTotp(db, user.id);
  if (!stored || stored.confirmedAt) {
    throw new AppError("mfa_not_enabled", "No TOTP enrolment is waiting for confirmation");
  }
  const step = await matchingStep(ring, stored, code.trim());
  if (step === null) throw wrongCode();
  const codes = generateRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  const [confirmed] = await db.batch([
    mfaStatements.useTotpStep(db, user.id, step, true),
    auditIfChangedStatement(db, { ...audit, action: "mfa.totp_enabled", details: {} }),
    mfaStatements.insertRecoveryCodesIfChanged(db, user.id, hashes),
    mfaStatements.enableMfaIfConfirmed(db, user.id),
  ]);
  if (confirmed.length === 0) throw wrongCode();
  return codes;
}

/** Removes the TOTP secret (and the recovery codes, unless a passkey remains). */
export async function removeTotp(db: Database, user: UserWithGroup, audit: AuditOrigin): Promise<void> {
  const stored = await findTotp(db, user.id);
  if (!stored) throw new AppError("mfa_not_enabled", "No TOTP authenticator is active");
  await db.batch([
    mfaStatements.deleteTotp(db, user.id),
    mfaStatements.deleteRecoveryCodesIfNoFactor(db, user.id),
    mfaStatements.recomputeMfaEnabled(db, user.id),
    auditStatement(db, { ...audit, action: "mfa.totp_disabled", details: {} }),
  ]);
}

/** Replaces every recovery code with ten new ones, returned once. */
export async function replaceRecoveryCodes(
  db: Database,
  user: UserWithGroup,
  audit: AuditOrigin,
): Promise<string[]> {
  if (!user.mfaEnabled) throw new AppError("mfa_not_enabled", "Enable a second factor first");
  const codes = generateRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  await db.batch([
    mfaStatements.deleteRecoveryCodes(db, user.id),
    mfaStatements.insertRecoveryCodes(db, user.id, hashes),
    auditStatement(db, { ...audit, action: "mfa.recovery_codes_regenerated", details: {} }),
  ]);
  return codes;
}

/**
 * An administrator's reset: every factor removed and every session of the user ended (epoch bump,
 * in the same batch), audited.
 */
export async function resetSecondFactors(db: Database, userId: string, audit: AuditOrigin): Promise<void> {
  await db.batch([
    mfaStatements.deleteTotp(db, userId),
    mfaStatements.deleteRecoveryCodes(db, userId),
    passkeyStatements.removeAll(db, userId),
    mfaStatements.setMfaEnabled(db, userId, false),
    mfaStatements.endSessions(db, userId),
    auditStatement(db, { ...audit, action: "mfa.reset_by_admin", details: {} }),
  ]);
}

/** How a sign-in can be finished, in a stable order. */
export const SECOND_FACTOR_METHODS = ["totp", "passkey", "recovery_code"] as const;

/** The methods a user can finish a sign-in with, in a stable order. */
export function secondFactorMethods(factors: {
  totp: boolean;
  passkeys: number;
  recoveryCodes: { remaining: number };
}): (typeof SECOND_FACTOR_METHODS)[number][] {
  return SECOND_FACTOR_METHODS.filter((method) =>
    method === "totp"
      ? factors.totp
      : method === "passkey"
        ? factors.passkeys > 0
        : factors.recoveryCodes.remaining > 0,
  );
}
