import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../../core/crypto";
import { AppError, unauthorized } from "../../core/errors";
import type { ApiKeyRow } from "../../db/schema";
import {
  apiKeyKind,
  LAST_USED_RESOLUTION_MS,
  type Scope,
  type ServiceScope,
  storedGroupIds,
  storedScopes,
} from "../../domain/credentials/api-key-tokens";
import { canHoldSession } from "../../domain/sessions/session-validity";
import { apiKeyByHashQuery, keyOwnerIdByHash, touchApiKeyStatement } from "../../storage/api-keys";
import { authUserQuery, preferencesSnapshotOf, toUserWithGroup } from "../../storage/users";
import type { AppEnv, AuthContext } from "../app-env";
import { readSessionToken } from "../session-cookie";

/**
 * API keys as credentials (docs/apps.md). `authenticate` tries a personal key (`eu_pk_…`) before
 * sessions; service-account keys (`eu_sk_…`) are not users and only pass `requireServiceScope`.
 * Every use reads the key row and its owner from the D1 primary: a revoked or expired key, a
 * disabled or deleted owner, or an owner whose session epoch moved since the key was created is
 * refused at once, everywhere. The token itself is only ever hashed, never logged or stored.
 */
type Ctx = Context<AppEnv>;

/** What a personal API key grants: which key, and its scopes. */
export interface ApiKeyGrant {
  id: string;
  name: string;
  scopes: string[];
}

/** A service account calling with one of its keys (`c.var.service`). */
export interface ServiceCaller {
  id: string;
  name: string;
  keyId: string;
  scopes: string[];
  /** The groups whose users it may act for; null: every user. */
  groupIds: string[] | null;
}

const isLive = (key: ApiKeyRow, now: number) =>
  key.revokedAt === null && (key.expiresAt === null || Date.parse(key.expiresAt) > now);

async function findLiveKey(c: Ctx, token: string) {
  const found = await apiKeyByHashQuery(c.var.primaryDb, await sha256Hex(token)).get();
  return found && isLive(found.key, Date.now()) ? found : null;
}

/**
 * A personal key and its owner's auth row, read in one D1 batch: one round trip to the primary,
 * as for a session (the owner is named by the key row, so it is a subquery, not a second read).
 */
async function findLiveKeyWithOwner(c: Ctx, token: string) {
  const hash = await sha256Hex(token);
  const db = c.var.primaryDb;
  const [[found], [owner]] = await db.batch([
    apiKeyByHashQuery(db, hash),
    authUserQuery(db, keyOwnerIdByHash(hash)),
  ]);
  return found && isLive(found.key, Date.now()) ? { found, owner } : null;
}

/** "Last used", written at most once per LAST_USED_RESOLUTION_MS per key (a guarded update). */
async function recordUse(c: Ctx, key: ApiKeyRow): Promise<void> {
  const now = Date.now();
  if (key.lastUsedAt && now - Date.parse(key.lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
  const staleBefore = new Date(now - LAST_USED_RESOLUTION_MS).toISOString();
  await c.var.primaryDb.run(
    touchApiKeyStatement(c.var.primaryDb, key.id, new Date(now).toISOString(), staleBefore),
  );
}

/** The user a personal API key acts for, or null (not a live personal key, or the owner may not). */
export async function authenticatePersonalKey(c: Ctx, token: string): Promise<AuthContext | null> {
  if (apiKeyKind(token) !== "personal") return null;
  const live = await findLiveKeyWithOwner(c, token);
  if (!live?.found.key.userId) return null;
  const { found, owner: row } = live;
  const user = toUserWithGroup(row);
  if (!user || user.id !== found.key.userId || !canHoldSession(user, found.key.ownerEpoch)) return null;
  await recordUse(c, found.key);
  return {
    user,
    sessionId: null,
    session: null,
    preferences: preferencesSnapshotOf(row),
    apiKey: { id: found.key.id, name: found.key.name, scopes: storedScopes(found.key.scopes) },
  };
}

const lacksScope = (scope: Scope) =>
  new AppError("insufficient_scope", `This API key does not have the '${scope}' scope`);

/**
 * Called by `requireUser` for callers with a personal API key: the route must have declared the
 * scope it needs (`requireScope`) and the key must hold it. Routes that declare none (password
 * change, API-key management, administration, sign-out) refuse API keys; sessions have every scope.
 */
export function assertApiKeyMayCall(grant: ApiKeyGrant, required: Scope | undefined): void {
  if (!required) throw new AppError("insufficient_scope", "API keys cannot call this route; sign in instead");
  if (!grant.scopes.includes(required)) throw lacksScope(required);
}

/** Route middleware for service-account routes: a live `eu_sk_` key holding `scope`; sets `c.var.service`. */
export const requireServiceScope = (scope: ServiceScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = readSessionToken(c);
    if (!token || apiKeyKind(token) !== "service")
      throw unauthorized("A service account API key (Bearer eu_sk_…) is required");
    const found = await findLiveKey(c, token);
    if (!found?.key.serviceAccountId || found.serviceName === null)
      throw unauthorized("API key expired or revoked");
    const scopes = storedScopes(found.key.scopes);
    if (!scopes.includes(scope)) throw lacksScope(scope);
    await recordUse(c, found.key);
    c.set("service", {
      id: found.key.serviceAccountId,
      name: found.serviceName,
      keyId: found.key.id,
      scopes,
      groupIds: storedGroupIds(found.serviceGroupIds),
    });
    await next();
  });
