import { AppError, invalid, notFound } from "../../core/errors";
import { nowIso } from "../../core/time";
import type { Database } from "../../db/client";
import type { ApiKeyRow } from "../../db/schema";
import {
  type ApiKeyOwner,
  apiKeyByIdQuery,
  insertApiKeyWithinLimitStatement,
  revokeApiKeyStatement,
} from "../../storage/api-keys";
import { type AuditEntry, auditIfChangedStatement } from "../../storage/audit";
import { issueApiKeyToken, MAX_ACTIVE_KEYS } from "./api-key-tokens";

/** Creating and revoking our API keys: one D1 batch each, with the audit entry. */

const MAX_LIFETIME_MS = 366 * 24 * 3600 * 1000;

export interface NewKeyRequest {
  owner: ApiKeyOwner;
  name: string;
  scopes: string[];
  /** ISO 8601; undefined: never expires. */
  expiresAt?: string;
  /** The owning user's session epoch now (user keys); 0 for service accounts. */
  ownerEpoch: number;
  createdBy: string;
  audit: AuditEntry;
}

/** The stored row and the token, which is returned to the caller once and never stored. */
export async function createApiKey(
  db: Database,
  request: NewKeyRequest,
): Promise<{ row: ApiKeyRow; token: string }> {
  const expiresAt = request.expiresAt ? checkedExpiry(request.expiresAt) : null;
  const issued = await issueApiKeyToken("userId" in request.owner ? "personal" : "service");
  const id = crypto.randomUUID();
  const [, , rows] = await db.batch([
    insertApiKeyWithinLimitStatement(
      db,
      {
        id,
        hash: issued.hash,
        prefix: issued.prefix,
        name: request.name,
        scopes: JSON.stringify(request.scopes),
        userId: "userId" in request.owner ? request.owner.userId : null,
        serviceAccountId: "serviceAccountId" in request.owner ? request.owner.serviceAccountId : null,
        ownerEpoch: request.ownerEpoch,
        createdBy: request.createdBy,
        expiresAt,
      },
      MAX_ACTIVE_KEYS,
    ),
    // Names the key, never its secret or hash.
    auditIfChangedStatement(db, {
      ...request.audit,
      details: {
        ...request.audit.details,
        key_id: id,
        prefix: issued.prefix,
        scopes: request.scopes,
        expires_at: expiresAt,
      },
    }),
    apiKeyByIdQuery(db, id),
  ]);
  const row = rows[0];
  if (!row) {
    throw new AppError(
      "api_key_limit",
      `At most ${MAX_ACTIVE_KEYS} active API keys per owner; revoke one first`,
    );
  }
  return { row, token: issued.token };
}

function checkedExpiry(raw: string): string {
  const at = Date.parse(raw);
  const now = Date.now();
  if (!(at > now)) throw invalid(["body", "expires_at"], "expires_at must be in the future");
  if (at - now > MAX_LIFETIME_MS)
    throw invalid(["body", "expires_at"], "expires_at is at most 366 days ahead");
  return new Date(at).toISOString();
}

/** Revokes the owner's key (404 when it is not theirs or already revoked); audited in the same batch. */
export async function revokeApiKey(db: Database, owner: ApiKeyOwner, keyId: string, audit: AuditEntry) {
  const [revoked] = await db.batch([
    revokeApiKeyStatement(db, owner, keyId, nowIso()),
    auditIfChangedStatement(db, { ...audit, details: { ...audit.details, key_id: keyId } }),
  ]);
  if (revoked.length === 0) throw notFound("API key");
}
