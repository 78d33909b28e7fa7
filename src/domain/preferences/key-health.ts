import type { ServiceConfig } from "../../core/settings";
import type { Database } from "../../db/client";
import { type KeyHealth, keyHealthStatement, keysDueForCheckQuery } from "../../storage/user-api-keys";
import { authUserQuery, preferencesSnapshotOf, toUserWithGroup } from "../../storage/users";
import { canHoldSession } from "../sessions/session-validity";
import type { KeyRing } from "./key-encryption";
import type { KeyStatus } from "./layering";
import { boundedFetch } from "./outbound";
import type { StoredOverrides } from "./preference-schemas";
import { loadPreferences } from "./preferences-service";
import { type ProviderCall, resolveProviderCall } from "./provider-access";
import { findProvider, isSection, type ProviderEntry } from "./provider-catalog";
import { authHeaders, classify, parseModelList, type VerifyStatus, verifyKey } from "./provider-client";

/**
 * Key health (docs/apps.md): a Cron Trigger re-verifies stored provider keys a few at a time. Each
 * run takes the keys checked longest ago (never-checked first), at most `perRun`, at most
 * `perProviderPerRun` per provider, one request after another, so a provider sees a trickle spread
 * over the day rather than a burst; each key is re-checked about once per `recheckAfterMs`. A key
 * is used exactly as for the user's own calls (resolveProviderCall: the group policy as it is now,
 * the key only at the base URL it was saved for); a key that may not be used now is not sent, only
 * stamped as looked at. When the key is valid and the user's effective model for that provider is
 * missing from the provider's live list, the model is flagged. All results are one D1 batch.
 */
export const KEY_HEALTH_LIMITS = { perRun: 20, perProviderPerRun: 4, recheckAfterMs: 24 * 3600 * 1000 };

export interface KeyHealthRun {
  db: Database;
  system: StoredOverrides;
  config: ServiceConfig;
  keyRing: () => Promise<KeyRing>;
  now?: number;
  limits?: typeof KEY_HEALTH_LIMITS;
}

const STATUS: Record<VerifyStatus, KeyStatus> = {
  valid: "valid",
  invalid_credentials: "invalid",
  forbidden: "invalid",
  no_credit: "no_credit",
  rate_limited: "rate_limited",
  unreachable: "unreachable",
  timeout: "unreachable",
  provider_error: "unreachable",
  // A malformed-request answer says nothing about the key: recorded as not verifiable now.
  invalid_request: "unreachable",
};

type DueKey = { userId: string; section: string; provider: string; ciphertext: string };

export async function checkKeyHealth(run: KeyHealthRun): Promise<{ checked: number; looked: number }> {
  const limits = run.limits ?? KEY_HEALTH_LIMITS;
  const now = run.now ?? Date.now();
  const checkedBefore = new Date(now - limits.recheckAfterMs).toISOString();
  const due = await keysDueForCheckQuery(run.db, checkedBefore, limits.perRun * 4).all();
  const picked = pickSpread(due, limits);
  const users = await loadUsers(run.db, [...new Set(picked.map((k) => k.userId))]);
  const checkedAt = new Date(now).toISOString();
  const results: { key: DueKey; health: KeyHealth }[] = [];
  let checked = 0;
  for (const key of picked) {
    const health = await checkOne(run, users.get(key.userId), key).catch(() => null);
    if (health) checked += 1;
    results.push({ key, health: { ...(health ?? {}), checkedAt } });
  }
  const [first, ...rest] = results.map((r) => keyHealthStatement(run.db, r.key, r.health));
  if (first) await run.db.batch([first, ...rest]);
  return { checked, looked: results.length };
}

/** At most `perRun` keys, at most `perProviderPerRun` of each provider, oldest first. */
function pickSpread(due: DueKey[], limits: typeof KEY_HEALTH_LIMITS): DueKey[] {
  const perProvider = new Map<string, number>();
  const picked: DueKey[] = [];
  for (const key of due) {
    const n = perProvider.get(key.provider) ?? 0;
    if (n >= limits.perProviderPerRun) continue;
    perProvider.set(key.provider, n + 1);
    picked.push(key);
    if (picked.length >= limits.perRun) break;
  }
  return picked;
}

type UserRowOf = Awaited<ReturnType<ReturnType<typeof authUserQuery>["get"]>>;

/** Every owner with group, preferences and key metadata, in one D1 batch. */
async function loadUsers(db: Database, ids: string[]): Promise<Map<string, UserRowOf>> {
  const [first, ...rest] = ids.map((id) => authUserQuery(db, id));
  if (!first) return new Map();
  const rows = await db.batch([first, ...rest]);
  return new Map(ids.map((id, i) => [id, rows[i]?.[0]]));
}

/** The health of one key; null when it may not be used now (nothing is sent). */
async function checkOne(
  run: KeyHealthRun,
  row: UserRowOf,
  key: DueKey,
): Promise<Omit<KeyHealth, "checkedAt"> | null> {
  const user = toUserWithGroup(row);
  const entry = isSection(key.section) ? findProvider(key.section, key.provider) : undefined;
  if (!user || !canHoldSession(user) || !entry || !isSection(key.section)) return null;
  const view = loadPreferences(user, preferencesSnapshotOf(row), run.system);
  const ctx = { db: run.db, user, view, config: run.config, keyRing: run.keyRing };
  const call = await resolveProviderCall(ctx, key.section, entry, {}, 2 * 1024 * 1024);
  if (!call.key) return null;
  const result = await verifyKey(entry, call.baseUrl, call.key, call.outbound);
  const keyStatus = STATUS[classify(entry, result).status];
  const effective = view.effective[key.section];
  const model = effective.provider.value === entry.id ? effective.model.value : null;
  if (keyStatus !== "valid" || !model || !entry.models) return { keyStatus, missingModel: null };
  const listed =
    entry.models.path === entry.verify.path && result.kind === "response"
      ? parseModelList(entry.models, result.body)
      : await liveModels(entry, call);
  return { keyStatus, missingModel: listed && !listed.includes(model) ? model : null };
}

async function liveModels(entry: ProviderEntry, call: ProviderCall): Promise<string[] | null> {
  if (!entry.models) return null;
  const result = await boundedFetch(
    `${call.baseUrl}${entry.models.path}`,
    authHeaders(entry, call.key),
    call.outbound,
  );
  return result.kind === "response" && result.status === 200
    ? parseModelList(entry.models, result.body)
    : null;
}
