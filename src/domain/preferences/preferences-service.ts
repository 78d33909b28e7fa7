import { z } from "zod";
import { AppError } from "../../core/errors";
import { parseStoredJson } from "../../core/stored-json";
import type { Database } from "../../db/client";
import { KEY_STATUSES } from "../../db/schema";
import type { KvStore } from "../../platform/metered-kv";
import { type AuditEntry, auditStatement } from "../../storage/audit";
import { forgetModelCache } from "../../storage/model-cache";
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
import { bySection, SECTIONS, type Section } from "./provider-catalog";

export interface PreferencesView {
  overrides: StoredOverrides;
  keys: Record<Section, KeyInfo[]>;
  effective: EffectiveConfig;
  version: number;
}

type KeyRow = KeyInfo & { section: string };
const KeyRowsSchema = z.array(
  z.object({
    section: z.string(),
    provider: z.string(),
    last4: z.string(),
    baseUrl: z.string().nullable(),
    keyStatus: z.enum(KEY_STATUSES).nullable().optional(),
    checkedAt: z.string().nullable().optional(),
    missingModel: z.string().nullable().optional(),
  }),
);

const groupKeys = (rows: KeyRow[]): Record<Section, KeyInfo[]> =>
  bySection((section) => rows.filter((r) => r.section === section).map(({ section: _, ...info }) => info));

function view(
  user: UserWithGroup,
  system: StoredOverrides,
  overrides: StoredOverrides,
  version: number,
  keyRows: KeyRow[],
): PreferencesView {
  const keys = groupKeys(keyRows);
  const effective = computeEffective(system, parseStoredPolicy(user.group.policy), overrides, keys);
  return { overrides, keys, effective, version };
}

const readOverrides = (json: string) =>
  parseStoredJson(json, StoredOverridesSchema, "preferences_unreadable", "Stored preferences are unreadable");

/** No storage access: the auth read already loaded overrides, version, key metadata and policy. */
export function loadPreferences(
  user: UserWithGroup,
  snapshot: PreferencesSnapshot,
  system: StoredOverrides,
): PreferencesView {
  const keyRows = parseStoredJson(
    snapshot.apiKeys,
    KeyRowsSchema,
    "preferences_unreadable",
    "Stored keys are unreadable",
  );
  const overrides = snapshot.overrides === null ? {} : readOverrides(snapshot.overrides);
  return view(user, system, overrides, snapshot.version, keyRows);
}

export interface PreferencesWrite {
  user: UserWithGroup;
  system: StoredOverrides;
  /** What the caller read (the view the update applies to). */
  current: PreferencesView;
  update: PreferencesUpdate;
  /** From If-Match; undefined writes unconditionally. */
  expectedVersion?: number;
  /** Loaded only when a key is to be encrypted (503 when ENCRYPTION_KEY is missing). */
  keyRing: () => Promise<KeyRing>;
  audit: AuditEntry;
}

interface KeyWrite {
  section: Section;
  provider: string;
  /** The new key, or null to delete the stored one. */
  value: string | null;
  baseUrl: string | null;
}

/**
 * The one write path of preferences (PUT /me/config and YAML import): policy checks, key binding,
 * encryption, the version check, the audit entry, one D1 batch (all or nothing; 412 when If-Match
 * no longer matches), then the cached model lists of every touched provider are forgotten.
 */
export async function writePreferences(
  db: Database,
  kv: KvStore,
  write: PreferencesWrite,
): Promise<PreferencesView> {
  const { user, update, current } = write;
  const next = nextOverrides(user, current, update);
  const keyWrites = keyChanges(current, update);
  const keyStatements = await keyStatementsFor(db, write, keyWrites);
  const details = {
    sections: SECTIONS.filter((s) => update[s] !== undefined),
    keys_set: keyWrites.filter((k) => k.value !== null).map((k) => `${k.section}:${k.provider}`),
    keys_deleted: keyWrites.filter((k) => k.value === null).map((k) => `${k.section}:${k.provider}`),
  };
  const [keysBefore, , written] = await staleVersionAs412(
    // Key metadata is read first and patched in memory, so the batch stays one round trip.
    db.batch([
      keyMetadataQuery(db, user.id),
      assertVersionStatement(db, user.id, write.expectedVersion),
      upsertPreferencesStatement(db, user.id, JSON.stringify(next)),
      auditStatement(db, { ...write.audit, details }),
      ...keyStatements,
    ]),
  );
  await forgetModelCache(kv, user.id, touchedProviders(update, current.overrides, next));
  return view(user, write.system, next, written[0]?.version ?? 0, keyRowsAfter(keysBefore, keyWrites));
}

/** The key rows' writes: each new key sealed under the current key ring, each removed one deleted. */
async function keyStatementsFor(db: Database, write: PreferencesWrite, keyWrites: KeyWrite[]) {
  const sealed = await sealKeys(write, keyWrites);
  return keyWrites.map((k, i) => {
    const ciphertext = sealed[i];
    if (k.value === null || !ciphertext)
      return apiKeyStatements.delete(db, write.user.id, k.section, k.provider);
    return apiKeyStatements.upsert(db, {
      userId: write.user.id,
      section: k.section,
      provider: k.provider,
      keyId: ciphertext.keyId,
      ciphertext: ciphertext.ciphertext,
      last4: last4(k.value),
      baseUrl: k.baseUrl,
    });
  });
}

/** The batch's results, or 412 `precondition_failed` when its version check refused it. */
async function staleVersionAs412<T>(batch: Promise<T>): Promise<T> {
  try {
    return await batch;
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
}

/** The key metadata after the write: rows read before it, with the written keys replaced or removed. */
function keyRowsAfter(keysBefore: KeyRow[], keyWrites: KeyWrite[]): KeyRow[] {
  const touched = (row: KeyRow) =>
    keyWrites.some((k) => k.section === row.section && k.provider === row.provider);
  return [
    ...keysBefore.filter((row) => !touched(row)),
    ...keyWrites.flatMap((k) =>
      k.value === null
        ? []
        : [{ section: k.section, provider: k.provider, last4: last4(k.value), baseUrl: k.baseUrl }],
    ),
  ];
}

/** The merged overrides: sections in `update` replace (null clears), absent ones stay; policy-checked. */
function nextOverrides(
  user: UserWithGroup,
  current: PreferencesView,
  update: PreferencesUpdate,
): StoredOverrides {
  const policy = parseStoredPolicy(user.group.policy);
  const next: StoredOverrides = { ...current.overrides };
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
      usesKey: typeof value.api_key === "string",
    });
    next[section] = {
      provider: value.provider,
      ...(value.model != null ? { model: value.model } : {}),
      ...(value.base_url != null ? { base_url: value.base_url } : {}),
      ...(value.options && Object.keys(value.options).length > 0 ? { options: value.options } : {}),
    };
  }
  return next;
}

/**
 * Keys set or deleted by the update. A key is bound to the provider and base URL it was saved
 * for: a section that now names a base URL other than the one its provider's stored key was saved
 * for drops that key, unless the same update gives a new one.
 */
function keyChanges(current: PreferencesView, update: PreferencesUpdate): KeyWrite[] {
  const writes: KeyWrite[] = [];
  for (const section of SECTIONS) {
    const value = update[section];
    if (!value) continue;
    const baseUrl = value.base_url ?? null;
    if (value.api_key !== undefined) {
      writes.push({ section, provider: value.provider, value: value.api_key, baseUrl });
      continue;
    }
    const stored = current.keys[section].find((k) => k.provider === value.provider);
    if (stored && stored.baseUrl !== baseUrl)
      writes.push({ section, provider: value.provider, value: null, baseUrl });
  }
  return writes;
}

/** Encrypts the keys to set (before any query is built: query builders must not cross an await). */
async function sealKeys(write: PreferencesWrite, keyWrites: KeyWrite[]) {
  if (!keyWrites.some((k) => k.value !== null)) return keyWrites.map(() => null);
  const ring = await write.keyRing();
  return Promise.all(
    keyWrites.map((k) =>
      k.value === null
        ? null
        : encryptSecret(ring, k.value, keyContext(write.user.id, k.section, k.provider)),
    ),
  );
}

/** Every (section, provider) the update touched, whose cached model list may now be stale. */
function touchedProviders(update: PreferencesUpdate, before: StoredOverrides, after: StoredOverrides) {
  return SECTIONS.filter((section) => update[section] !== undefined).flatMap((section) =>
    [...new Set([before[section]?.provider, after[section]?.provider])]
      .filter((p): p is string => Boolean(p))
      .map((provider) => ({ section, provider })),
  );
}
