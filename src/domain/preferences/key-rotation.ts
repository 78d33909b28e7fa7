import type { Database } from "../../db/client";
import { type AuditEntry, auditStatement } from "../../storage/audit";
import { countKeysNotUnder, keysNotUnder, reencryptStatement } from "../../storage/user-api-keys";
import { decryptSecret, encryptSecret, type KeyRing, keyContext } from "./key-encryption";

/** Rows per call: bounds the CPU and the batch size of one request. */
export const REENCRYPT_CHUNK = 100;

/**
 * Re-encrypts up to REENCRYPT_CHUNK stored API keys that are not under the current key, in one
 * D1 batch with its audit entry. Call until `remaining` is 0, then drop the old key from
 * ENCRYPTION_KEY. A row changed meanwhile (new key saved) is left as it is: it is already current.
 */
export async function reencryptChunk(db: Database, ring: KeyRing, audit: Omit<AuditEntry, "details">) {
  const rows = await keysNotUnder(db, ring.currentId, REENCRYPT_CHUNK);
  const statements = await Promise.all(
    rows.map(async (row) => {
      const context = keyContext(row.userId, row.section, row.provider);
      const plaintext = await decryptSecret(ring, row.keyId, row.ciphertext, context);
      return { row, sealed: await encryptSecret(ring, plaintext, context) };
    }),
  );
  if (statements.length > 0) {
    const [first, ...rest] = statements.map(({ row, sealed }) => reencryptStatement(db, row, sealed));
    if (first) {
      await db.batch([
        first,
        ...rest,
        auditStatement(db, { ...audit, details: { reencrypted: rows.length, key_id: ring.currentId } }),
      ]);
    }
  }
  return {
    reencrypted: rows.length,
    remaining: await countKeysNotUnder(db, ring.currentId),
    current_key_id: ring.currentId,
  };
}
