import { z } from "@hono/zod-openapi";
import { AppError } from "../../core/errors";
import type { Database } from "../../db/client";
import { type AuditEntry, auditStatement } from "../../storage/audit";
import { apiKeyStatements, keyMetadataQuery } from "../../storage/user-api-keys";
import {
  assertVersionStatement,
  STALE_VERSION_MARKER,
  upsertPreferencesStatement,
} from "../../storage/user-preferences";
import type { PreferencesSnapshot, UserWithGroup } from "../../storage/users";

import { parseStoredPolicy } from "./group-policy";
import { encryptSecret, type KeyRing, keyContext, last4 } from "./key-encryption";
import { computeEffective, type EffectiveConfig, type KeyInfo } from "./layering";
import { assertAllowed } from "./policy-check";
import { type PreferencesUpdate, type StoredOverrides, StoredOverridesSchema } from "./preference-schemas";
import { SECTIONS, type Section } from "./provider-catalog";

export interface PreferencesView {
  overrides: StoredOverrides;
  keys: Record<Section, KeyInfo[]>;
  effective: EffectiveConfig;
  version: number;
}

type PrefRow = { overrides: string; version: number };
type KeyRow = { section: string; provider: string; last4: string };

function parseOverrides(json: string | undefined): StoredOverrides {
  if (!json) return {};
  const parsed = StoredOverridesSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new AppError("preferences_unreadable", "Stored preferences are unreadable");
  return parsed.data;
}

function groupKeys(rows: KeyRow[]): Record<Section, KeyInfo[]> {
  const keys: Record<Section, KeyInfo[]> = { llm: [], tts: [], stt: [] };
  for (const row of rows) {
    for (const section of SECTIONS) {
      if (row.section === section) keys[section].push({ provider: row.provider, last4: row.last4 });
    }
  }
  return keys;
}

function view(user: UserWithGroup, system: StoredOverrides, pref: PrefRow | undefined, keyRows: KeyRow[]) {
  const overrides = parseOverrides(pref?.overrides);
  const keys = groupKeys(keyRows);
  const effective = computeEffective(system, parseStoredPolicy(user.group.policy), overrides, keys);
  return { overrides, keys, effective, version: pref?.version ?? 0 };
}

const KeyRowsSchema = z.array(z.object({ section: z.string(), provider: z.string(), last4: z.string() }));

/** No storage access: the auth read already loaded overrides, version, key metadata and policy. */
export function loadPreferences(
  user: UserWithGroup,
  snapshot: PreferencesSnapshot,
  system: StoredOverrides,
): PreferencesView {
  const keyRows = KeyRowsSchema.safeParse(JSON.parse(snapshot.apiKeys));
  const pref =
    snapshot.overrides === null ? undefined : { overrides: snapshot.overrides, version: snapshot.version };
  return view(user, system, pref, keyRows.success ? keyRows.data : []);
}

export interface ApplyOptions {
  /** From If-Match; undefined writes unconditionally. */
  expectedVersion?: number;
  ring: KeyRing | null;
  audit: Omit<AuditEntry, "details">;
}

/**
 * Replaces the overrides of the sections named in `update` (null clears one; absent ones stay, so
 * the caller passes the merged document) and sets or deletes keys: one D1 batch, all or nothing,
 * refused as a whole (412) when If-Match no longer matches.
 */
export async function replacePreferences(
  db: Database,
  user: UserWithGroup,
  system: StoredOverrides,
  current: StoredOverrides,
  update: PreferencesUpdate,
  options: ApplyOptions,
): Promise<PreferencesView> {
  const policy = parseStoredPolicy(user.group.policy);
  const next: StoredOverrides = { ...current };
  const keyWrites: { section: Section; provider: string; value: string | null }[] = [];
  for (const section of SECTIONS) {
    const value = update[section];
    if (value === undefined) continue;
    if (value === null) {
      delete next[section];
      continue;
    }
    assertAllowed(policy, section, {
      provider: value.provider,
      model: value.model,
      base_url: value.base_url,
      setsKey: typeof value.api_key === "string",
    });
    next[section] = {
      provider: value.provider,
      ...(value.model != null ? { model: value.model } : {}),
      ...(value.base_url != null ? { base_url: value.base_url } : {}),
      ...(value.options && Object.keys(value.options).length > 0 ? { options: value.options } : {}),
    };
    if (value.api_key !== undefined)
      keyWrites.push({ section, provider: value.provider, value: value.api_key });
  }
  if (keyWrites.some((k) => k.value !== null) && !options.ring) {
    throw new AppError("encryption_not_configured", "API keys cannot be stored: ENCRYPTION_KEY is not set");
  }

  // Encrypt first: query builders are thenables, so they must never pass through an await.
  const sealedKeys = await Promise.all(
    keyWrites.map(async (k) =>
      k.value === null || !options.ring
        ? null
        : encryptSecret(options.ring, k.value, keyContext(user.id, k.section, k.provider)),
    ),
  );
  const keyStatements = keyWrites.map((k, i) => {
    const sealed = sealedKeys[i];
    if (k.value === null || !sealed) return apiKeyStatements.delete(db, user.id, k.section, k.provider);
    return apiKeyStatements.upsert(db, {
      userId: user.id,
      section: k.section,
      provider: k.provider,
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext,
      last4: last4(k.value),
    });
  });
  const details = {
    sections: SECTIONS.filter((s) => update[s] !== undefined),
    keys_set: keyWrites.filter((k) => k.value !== null).map((k) => `${k.section}:${k.provider}`),
    keys_deleted: keyWrites.filter((k) => k.value === null).map((k) => `${k.section}:${k.provider}`),
  };
  // Key metadata is read first and patched in memory, so the batch stays one round trip.
  let results: [KeyRow[], unknown, { version: number }[], ...unknown[]];
  try {
    results = await db.batch([
      keyMetadataQuery(db, user.id),
      assertVersionStatement(db, user.id, options.expectedVersion),
      upsertPreferencesStatement(db, user.id, JSON.stringify(next)),
      auditStatement(db, { ...options.audit, details }),
      ...keyStatements,
    ]);
  } catch (error) {
    if (
      error instanceof Error &&
      `${error.message} ${String(error.cause ?? "")}`.includes(STALE_VERSION_MARKER)
    ) {
      throw new AppError(
        "precondition_failed",
        "The preferences changed since you read them (ETag mismatch)",
      );
    }
    throw error;
  }
  const [keysBefore, , written] = results;
  const touched = (row: KeyRow) =>
    keyWrites.some((k) => k.section === row.section && k.provider === row.provider);
  const keyRows: KeyRow[] = [
    ...keysBefore.filter((row) => !touched(row)),
    ...keyWrites.flatMap((k) =>
      k.value === null ? [] : [{ section: k.section, provider: k.provider, last4: last4(k.value) }],
    ),
  ];
  const version = written[0]?.version ?? 0;
  return view(user, system, { overrides: JSON.stringify(next), version }, keyRows);
}
