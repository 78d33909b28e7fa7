// The single source of truth for tables. Migrations in drizzle/ are generated from this file
// (`npm run db:generate`), and schema.sql is checked against them in CI.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Timestamps are ISO 8601 strings in UTC with milliseconds: sortable as text and readable in SQL. */
const timestamp = (name: string) => text(name);
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const UNGROUPED_GROUP_ID = "ungrouped";

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** foldKey(name) (core/text.ts): NFKC + Unicode case folding; names are unique by it. */
    nameKey: text("name_key").notNull().default(""),
    description: text("description").notNull().default(""),
    /** JSON document validated by the group policy zod schema before it is written. */
    policy: text("policy").notNull().default("{}"),
    createdAt: timestamp("created_at").notNull().default(now),
    updatedAt: timestamp("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("groups_name_key_unique").on(t.nameKey)],
);

export const USER_ROLES = ["admin", "user"] as const;
export const USER_STATUSES = ["ACTIVE", "DISABLED", "LOCKED"] as const;
export const IDENTITY_SOURCES = ["LOCAL", "OIDC"] as const;

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    email: text("email"),
    displayName: text("display_name"),
    avatarUrl: text("avatar_url"),
    bio: text("bio"),
    timezone: text("timezone"),
    locale: text("locale"),
    role: text("role", { enum: USER_ROLES }).notNull().default("user"),
    groupId: text("group_id")
      .notNull()
      .default(UNGROUPED_GROUP_ID)
      .references(() => groups.id),
    status: text("status", { enum: USER_STATUSES }).notNull().default("ACTIVE"),
    statusReason: text("status_reason"),
    identitySource: text("identity_source", { enum: IDENTITY_SOURCES }).notNull().default("LOCAL"),
    /** Self-describing hash string (`$scrypt$ln=..,r=..,p=..$salt$hash`); null for OIDC-only users. */
    passwordHash: text("password_hash"),
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lockedUntil: timestamp("locked_until"),
    /**
     * Bumped whenever all of a user's sessions must end (password change, reset, disable, admin
     * "end sessions"). Sessions carry the epoch they were issued under; D1 is the truth, so the
     * revocation is global at once, unlike a KV delete.
     */
    sessionEpoch: integer("session_epoch").notNull().default(0),
    /**
     * Whether the user has an active second factor (a confirmed TOTP secret). Written in the same
     * batch as the factor itself, so the authentication gate and the admin list read one column.
     */
    mfaEnabled: integer("mfa_enabled", { mode: "boolean" }).notNull().default(false),
    createdAt: timestamp("created_at").notNull().default(now),
    updatedAt: timestamp("updated_at").notNull().default(now),
    lastLoginAt: timestamp("last_login_at"),
    passwordChangedAt: timestamp("password_changed_at"),
    deletedAt: timestamp("deleted_at"),
  },
  (t) => [
    uniqueIndex("users_username_lower_unique").on(sql`lower(${t.username})`),
    index("users_email_lower").on(sql`lower(${t.email})`),
    // (column, id): the admin list sorts by the column with id as tie-breaker, so pages are
    // stable and SQLite walks the index without a temporary sort.
    index("users_created_at_id").on(t.createdAt, t.id),
    index("users_last_login_at_id").on(t.lastLoginAt, t.id),
    index("users_group_id").on(t.groupId),
    index("users_role_status").on(t.role, t.status),
    check("users_role_check", sql`${t.role} in ('admin', 'user')`),
    check("users_status_check", sql`${t.status} in ('ACTIVE', 'DISABLED', 'LOCKED')`),
    check("users_identity_source_check", sql`${t.identitySource} in ('LOCAL', 'OIDC')`),
  ],
);

/** OIDC identities, linked to users only by (issuer, subject): never by e-mail. */
export const identities = sqliteTable(
  "identities",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    email: text("email"),
    emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
    createdAt: timestamp("created_at").notNull().default(now),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [
    uniqueIndex("identities_issuer_subject_unique").on(t.issuer, t.subject),
    index("identities_user_id").on(t.userId),
  ],
);

/** A user's own preference overrides (LLM / TTS / STT), without secrets. `version` backs the ETag. */
export const userPreferences = sqliteTable("user_preferences", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id),
  overrides: text("overrides").notNull().default("{}"),
  version: integer("version").notNull().default(0),
  updatedAt: timestamp("updated_at").notNull().default(now),
});

export const KEY_STATUSES = ["valid", "invalid", "no_credit", "rate_limited", "unreachable"] as const;

/** Provider API keys, encrypted with AES-GCM; `keyId` names the ENCRYPTION_KEY entry used. */
export const userApiKeys = sqliteTable(
  "user_api_keys",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    section: text("section").notNull(),
    provider: text("provider").notNull(),
    keyId: text("key_id").notNull(),
    /** base64url(iv || ciphertext+tag) */
    ciphertext: text("ciphertext").notNull(),
    last4: text("last4").notNull(),
    /**
     * The user's base_url override when the key was saved (null: the catalog's default URL). A key
     * is only ever sent to the URL it was saved for; changing the base URL without a new key drops it.
     */
    baseUrl: text("base_url"),
    updatedAt: timestamp("updated_at").notNull().default(now),
    /** Key health, written by the scheduled re-verification (src/domain/preferences/key-health.ts). */
    keyStatus: text("key_status", { enum: KEY_STATUSES }),
    checkedAt: timestamp("checked_at"),
    /** The saved model for this provider when the provider's live list no longer offered it. */
    missingModel: text("missing_model"),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.section, t.provider] }),
    index("user_api_keys_checked_at").on(t.checkedAt),
  ],
);

/**
 * Service accounts: app backends, created by an administrator. Not users: no password, no OIDC,
 * no session; they authenticate only with their own API keys. Soft-deleted so audit entries that
 * name them stay readable; deletion refuses their keys at once (every use reads this row).
 */
export const serviceAccounts = sqliteTable(
  "service_accounts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** JSON array of group ids whose users it may act for; null: every user (docs/apps.md). */
    groupIds: text("group_ids"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at").notNull().default(now),
    deletedAt: timestamp("deleted_at"),
  },
  (t) => [uniqueIndex("service_accounts_name_lower_unique").on(sql`lower(${t.name})`)],
);

/**
 * Our own API keys (personal keys of users, and keys of service accounts); not the provider keys of
 * `user_api_keys`. Only the SHA-256 of the secret is stored. A user's key carries the owner's
 * session epoch at creation: when it moves (password change, reset, disable, "end all sessions"),
 * the key stops working at once.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    /** Lower-case hex SHA-256 of the whole token. */
    hash: text("hash").notNull(),
    /** What lists show: the token's kind prefix and its first secret characters. */
    prefix: text("prefix").notNull(),
    name: text("name").notNull(),
    /** JSON array of scope names. */
    scopes: text("scopes").notNull(),
    userId: text("user_id").references(() => users.id),
    serviceAccountId: text("service_account_id").references(() => serviceAccounts.id),
    /** The owner's session_epoch when created (user keys only). */
    ownerEpoch: integer("owner_epoch").notNull().default(0),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at").notNull().default(now),
    expiresAt: timestamp("expires_at"),
    /** Written at most once per API_KEY_LAST_USED_RESOLUTION, not on every request. */
    lastUsedAt: timestamp("last_used_at"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_hash_unique").on(t.hash),
    index("api_keys_user").on(t.userId, t.createdAt),
    index("api_keys_service_account").on(t.serviceAccountId, t.createdAt),
    check("api_keys_one_owner", sql`(${t.userId} IS NULL) <> (${t.serviceAccountId} IS NULL)`),
  ],
);

/**
 * A user's TOTP secret (RFC 6238), AES-GCM encrypted like provider keys (context `totp:<userId>`).
 * `confirmedAt` null: enrolment started, not yet proven with a code. `lastUsedStep` is the last
 * accepted time step: a code is only accepted for a later step, enforced by a conditional UPDATE.
 */
export const userTotp = sqliteTable("user_totp", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id),
  keyId: text("key_id").notNull(),
  ciphertext: text("ciphertext").notNull(),
  confirmedAt: timestamp("confirmed_at"),
  lastUsedStep: integer("last_used_step"),
  createdAt: timestamp("created_at").notNull().default(now),
});

/** Single-use recovery codes, stored as SHA-256 of the (high-entropy) code; `usedAt` marks use. */
export const userRecoveryCodes = sqliteTable(
  "user_recovery_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at"),
    createdAt: timestamp("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * WebAuthn credentials (passkeys). `publicKey` is the credential's public key as a JWK (JSON),
 * ready for Web Crypto; `signCount` the last signature counter seen; `backupEligible` is fixed at
 * registration (the spec's BE flag never changes), `backedUp` follows the BS flag.
 */
export const userPasskeys = sqliteTable(
  "user_passkeys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** base64url of the credential id the authenticator chose. */
    credentialId: text("credential_id").notNull(),
    publicKey: text("public_key").notNull(),
    algorithm: integer("algorithm").notNull(),
    signCount: integer("sign_count").notNull().default(0),
    backupEligible: integer("backup_eligible", { mode: "boolean" }).notNull().default(false),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull().default(false),
    name: text("name").notNull(),
    createdAt: timestamp("created_at").notNull().default(now),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [
    uniqueIndex("user_passkeys_credential_id_unique").on(t.credentialId),
    index("user_passkeys_user_id").on(t.userId),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: timestamp("at").notNull().default(now),
    actorId: text("actor_id"),
    targetType: text("target_type"),
    targetId: text("target_id"),
    action: text("action").notNull(),
    /** JSON; never holds a secret. */
    details: text("details").notNull().default("{}"),
    /** Our own id for the request (also the response's X-Request-Id). */
    requestId: text("request_id"),
    /** The id the client sent in X-Request-Id, if any: kept for correlation, never trusted as ours. */
    clientRequestId: text("client_request_id"),
    ip: text("ip"),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_actor").on(t.actorId, t.at),
    index("audit_log_target").on(t.targetId, t.at),
    index("audit_log_action").on(t.action, t.at),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ServiceAccountRow = typeof serviceAccounts.$inferSelect;
