import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import { type AuditEntry, auditStatement } from "../storage/audit";
import { countTotpSecretsNotUnder, mfaStatements, totpSecretsNotUnder } from "../storage/mfa-factors";
import { countKeysNotUnder, keysNotUnder, reencryptStatement } from "../storage/user-api-keys";
import { totpContext } from "./mfa/totp";
import { decryptSecret, encryptSecret, type KeyRing, keyContext } from "./preferences/key-encryption";

/**
 * Every secret sealed with the ENCRYPTION_KEY ring, one family per table, in one place: key
 * rotation (re-encryption under the current key id) must cover all of them, or dropping an old key
 * breaks whatever it missed. A new sealed column gets a family here; `encryptSecret` callers are
 * exactly these (provider API keys in domain/preferences, TOTP secrets in domain/mfa).
 */
interface SealedRow {
  keyId: string;
  ciphertext: string;
  /** The additional authenticated data it was sealed with. */
  context: string;
  /** The conditional rewrite: applies only while the row still holds `ciphertext`. */
  reseal: (db: Database, sealed: { keyId: string; ciphertext: string }) => BatchItem<"sqlite">;
}

interface SealedFamily {
  rowsNotUnder(db: Database, keyId: string, limit: number): Promise<SealedRow[]>;
  countNotUnder(db: Database, keyId: string): Promise<number>;
}

/** The kinds, in the order a chunk takes them. */
const SEALED_SECRET_KINDS = ["provider_keys", "totp_secrets"] as const;
type SealedKind = (typeof SEALED_SECRET_KINDS)[number];

const perKind = <T>(value: (kind: SealedKind) => T): Record<SealedKind, T> => ({
  provider_keys: value("provider_keys"),
  totp_secrets: value("totp_secrets"),
});

const FAMILIES: Record<SealedKind, SealedFamily> = {
  provider_keys: {
    rowsNotUnder: async (db, keyId, limit) =>
      (await keysNotUnder(db, keyId, limit)).map((row) => ({
        keyId: row.keyId,
        ciphertext: row.ciphertext,
        context: keyContext(row.userId, row.section, row.provider),
        reseal: (d, sealed) => reencryptStatement(d, row, sealed),
      })),
    countNotUnder: countKeysNotUnder,
  },
  totp_secrets: {
    rowsNotUnder: async (db, keyId, limit) =>
      (await totpSecretsNotUnder(db, keyId, limit)).map((row) => ({
        keyId: row.keyId,
        ciphertext: row.ciphertext,
        context: totpContext(row.userId),
        reseal: (d, sealed) => mfaStatements.resealTotp(d, row, sealed),
      })),
    countNotUnder: countTotpSecretsNotUnder,
  },
};

/** Rows per call, all kinds together: bounds the CPU and the batch size of one request. */
export const REENCRYPT_CHUNK = 100;

export interface ReencryptProgress {
  reencrypted: number;
  remaining: number;
  current_key_id: string;
  /** Per kind of secret: re-encrypted by this call, and still under an older key. */
  kinds: Record<SealedKind, { reencrypted: number; remaining: number }>;
}

/**
 * Re-encrypts up to REENCRYPT_CHUNK sealed secrets (of every kind, in the order of
 * SEALED_SECRET_KINDS) that are not under the current key, in one D1 batch with its audit entry.
 * Call until `remaining` (all kinds) is 0, then drop the old key from ENCRYPTION_KEY. A row
 * changed meanwhile is left as it is: it was written under the current key.
 */
export async function reencryptChunk(
  db: Database,
  ring: KeyRing,
  audit: Omit<AuditEntry, "details">,
): Promise<ReencryptProgress> {
  const done = perKind(() => 0);
  const statements: BatchItem<"sqlite">[] = [];
  for (const kind of SEALED_SECRET_KINDS) {
    const room = REENCRYPT_CHUNK - statements.length;
    if (room <= 0) break;
    const rows = await FAMILIES[kind].rowsNotUnder(db, ring.currentId, room);
    const resealed = await Promise.all(
      rows.map(async (row) => {
        const plaintext = await decryptSecret(ring, row.keyId, row.ciphertext, row.context);
        return { row, sealed: await encryptSecret(ring, plaintext, row.context) };
      }),
    );
    // Built after the await: a drizzle query is thenable, so an async function returning one would run it.
    statements.push(...resealed.map(({ row, sealed }) => row.reseal(db, sealed)));
    done[kind] = rows.length;
  }
  const [first, ...rest] = statements;
  if (first) {
    await db.batch([
      first,
      ...rest,
      auditStatement(db, {
        ...audit,
        details: { reencrypted: statements.length, key_id: ring.currentId, ...done },
      }),
    ]);
  }
  const left = perKind(() => 0);
  await Promise.all(
    SEALED_SECRET_KINDS.map(async (kind) => {
      left[kind] = await FAMILIES[kind].countNotUnder(db, ring.currentId);
    }),
  );
  return {
    reencrypted: statements.length,
    remaining: SEALED_SECRET_KINDS.reduce((sum, kind) => sum + left[kind], 0),
    current_key_id: ring.currentId,
    kinds: perKind((kind) => ({ reencrypted: done[kind], remaining: left[kind] })),
  };
}
