import { and, count, eq, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { nowIso } from "../core/time";
import type { Database } from "../db/client";
import { userPasskeys, userRecoveryCodes, users, userTotp } from "../db/schema";

/** All reads and writes of a user's second factors (TOTP secret, recovery codes). */

export type TotpRow = typeof userTotp.$inferSelect;

export async function findTotp(db: Database, userId: string): Promise<TotpRow | null> {
  return (await db.select().from(userTotp).where(eq(userTotp.userId, userId)).get()) ?? null;
}

export interface RecoveryCodeCounts {
  remaining: number;
  total: number;
}

export interface SecondFactors {
  totp: boolean;
  totpPending: boolean;
  passkeys: number;
  recoveryCodes: RecoveryCodeCounts;
}

/** Every factor of a user in one query (scalar subqueries). */
export async function findSecondFactors(db: Database, userId: string): Promise<SecondFactors> {
  const row = await db
    .select({
      confirmed: sql<
        string | null
      >`(SELECT ${userTotp.confirmedAt} FROM ${userTotp} WHERE ${userTotp.userId} = ${userId})`,
      totpRows: sql<number>`(SELECT count(*) FROM ${userTotp} WHERE ${userTotp.userId} = ${userId})`,
      passkeys: sql<number>`(SELECT count(*) FROM ${userPasskeys} WHERE ${userPasskeys.userId} = ${userId})`,
      total: sql<number>`(SELECT count(*) FROM ${userRecoveryCodes} WHERE ${userRecoveryCodes.userId} = ${userId})`,
      remaining: sql<number>`(SELECT count(*) FROM ${userRecoveryCodes} WHERE ${userRecoveryCodes.userId} = ${userId} AND ${userRecoveryCodes.usedAt} IS NULL)`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  return {
    totp: Boolean(row?.confirmed),
    totpPending: (row?.totpRows ?? 0) > 0 && !row?.confirmed,
    passkeys: row?.passkeys ?? 0,
    recoveryCodes: { total: row?.total ?? 0, remaining: row?.remaining ?? 0 },
  };
}

/** TOTP secrets (confirmed or pending) sealed under any key other than `currentKeyId`, `limit` at a time. */
export async function totpSecretsNotUnder(db: Database, currentKeyId: string, limit: number) {
  return db
    .select({ userId: userTotp.userId, keyId: userTotp.keyId, ciphertext: userTotp.ciphertext })
    .from(userTotp)
    .where(ne(userTotp.keyId, currentKeyId))
    .orderBy(userTotp.createdAt)
    .limit(limit)
    .all();
}

export async function countTotpSecretsNotUnder(db: Database, currentKeyId: string) {
  const row = await db.select({ n: count() }).from(userTotp).where(ne(userTotp.keyId, currentKeyId)).get();
  return row?.n ?? 0;
}

/** Statements (not executed) so callers put them in one batch with the audit entry. */
export const mfaStatements = {
  /** A new, unconfirmed secret; replaces an earlier unconfirmed one, never a confirmed one. */
  startTotp: (db: Database, userId: string, keyId: string, ciphertext: string) =>
    db
      .insert(userTotp)
      .values({ userId, keyId, ciphertext, confirmedAt: null, lastUsedStep: null, createdAt: nowIso() })
      .onConflictDoUpdate({
        target: userTotp.userId,
        set: { keyId, ciphertext, lastUsedStep: null, createdAt: nowIso() },
        setWhere: isNull(userTotp.confirmedAt),
      })
      .returning({ userId: userTotp.userId }),
  /**
   * Accepts the code of time step `step`: applies only while no code of this or a later step was
   * accepted, so of two requests with the same code exactly one changes a row. `confirming`:
   * only an unconfirmed secret (enrolment), which it confirms; otherwise only a confirmed one.
   */
  useTotpStep: (db: Database, userId: string, step: number, confirming: boolean) =>
    db
      .update(userTotp)
      .set({ lastUsedStep: step, ...(confirming ? { confirmedAt: nowIso() } : {}) })
      .where(
        and(
          eq(userTotp.userId, userId),
          confirming ? isNull(userTotp.confirmedAt) : isNotNull(userTotp.confirmedAt),
          or(isNull(userTotp.lastUsedStep), lt(userTotp.lastUsedStep, step)),
        ),
      )
      .returning({ userId: userTotp.userId }),
  /**
   * Replaces a secret's ciphertext (key rotation), only if it still holds the one that was
   * re-encrypted: a secret replaced meanwhile (new enrolment) is already under the current key.
   */
  resealTotp: (
    db: Database,
    row: { userId: string; ciphertext: string },
    sealed: { keyId: string; ciphertext: string },
  ) =>
    db
      .update(userTotp)
      .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
      .where(and(eq(userTotp.userId, row.userId), eq(userTotp.ciphertext, row.ciphertext))),
  deleteTotp: (db: Database, userId: string) => db.delete(userTotp).where(eq(userTotp.userId, userId)),
  deleteRecoveryCodes: (db: Database, userId: string) =>
    db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId)),
  insertRecoveryCodes: (db: Database, userId: string, hashes: string[]) =>
    db.insert(userRecoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash }))),
  /**
   * The same, only when the statement just before it in the batch changed a row (`changes()`):
   * the codes of an enrolment are stored only by the request whose confirmation won.
   */
  insertRecoveryCodesIfChanged: (db: Database, userId: string, hashes: string[]) =>
    db
      .insert(userRecoveryCodes)
      .select(
        sql`SELECT ${userId}, h.value, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM json_each(${JSON.stringify(hashes)}) h WHERE changes() > 0`,
      ),
  /** Marks one unused code used; of two concurrent uses exactly one changes a row. */
  useRecoveryCode: (db: Database, userId: string, codeHash: string) =>
    db
      .update(userRecoveryCodes)
      .set({ usedAt: nowIso() })
      .where(
        and(
          eq(userRecoveryCodes.userId, userId),
          eq(userRecoveryCodes.codeHash, codeHash),
          isNull(userRecoveryCodes.usedAt),
        ),
      )
      .returning({ userId: userRecoveryCodes.userId }),
  /** `mfa_enabled` = a confirmed TOTP secret or at least one passkey; run after any factor change. */
  recomputeMfaEnabled: (db: Database, userId: string) => {
    const enabled = sql`(EXISTS (SELECT 1 FROM ${userTotp} WHERE ${userTotp.userId} = ${userId} AND ${userTotp.confirmedAt} IS NOT NULL) OR EXISTS (SELECT 1 FROM ${userPasskeys} WHERE ${userPasskeys.userId} = ${userId}))`;
    // Only when the flag actually changes: a refused removal (nothing removed) writes nothing.
    return db
      .update(users)
      .set({ mfaEnabled: enabled, updatedAt: nowIso() })
      .where(and(eq(users.id, userId), sql`${users.mfaEnabled} != ${enabled}`));
  },
  /** Recovery codes go with the last factor they back up. */
  deleteRecoveryCodesIfNoFactor: (db: Database, userId: string) =>
    db
      .delete(userRecoveryCodes)
      .where(
        and(
          eq(userRecoveryCodes.userId, userId),
          sql`NOT EXISTS (SELECT 1 FROM ${userPasskeys} WHERE ${userPasskeys.userId} = ${userId})`,
          sql`NOT EXISTS (SELECT 1 FROM ${userTotp} WHERE ${userTotp.userId} = ${userId} AND ${userTotp.confirmedAt} IS NOT NULL)`,
        ),
      ),
  /** The denormalised flag the authentication gate and the admin list read. */
  setMfaEnabled: (db: Database, userId: string, enabled: boolean) =>
    db.update(users).set({ mfaEnabled: enabled, updatedAt: nowIso() }).where(eq(users.id, userId)),
  /** Enables the flag only if the secret was just confirmed (the statement before changed a row). */
  enableMfaIfConfirmed: (db: Database, userId: string) =>
    db
      .update(users)
      .set({ mfaEnabled: true, updatedAt: nowIso() })
      .where(
        and(
          eq(users.id, userId),
          sql`exists (select 1 from ${userTotp} where ${userTotp.userId} = ${userId} and ${userTotp.confirmedAt} is not null)`,
        ),
      ),
  /** Resets every factor and ends every session (the epoch bump): an administrator's reset. */
  endSessions: (db: Database, userId: string) =>
    db
      .update(users)
      .set({ sessionEpoch: sql`${users.sessionEpoch} + 1`, updatedAt: nowIso() })
      .where(eq(users.id, userId)),
};
