import { stripUnsafeText } from "../../core/display-text";
import { nowIso } from "../../core/time";
import type { Database } from "../../db/client";
import { UNGROUPED_GROUP_ID } from "../../db/schema";
import { type AuditEntry, auditStatement } from "../../storage/audit";
import { isUniqueViolation } from "../../storage/constraint-errors";
import { findIdentity, type IdentityRow, identityStatements } from "../../storage/identities";
import {
  findUserWithGroupById,
  toUserWithGroup,
  type UserWithGroup,
  userStatements,
  userWithGroupQuery,
} from "../../storage/users";
import { canHoldSession } from "../sessions/session-validity";
import { OidcCallbackError, type VerifiedIdentity } from "./oidc-client";

const text = (value: unknown, max: number) =>
  typeof value === "string" && value.trim() ? value.trim().slice(0, max) : null;

/**
 * Profile claims we copy on every sign-in; a picture only when it is an https URL; the name
 * without control, bidi-override and zero-width characters (core/display-text.ts).
 */
function profileFromClaims(claims: VerifiedIdentity["claims"]) {
  const picture = text(claims.picture, 2048);
  const email = text(claims.email, 254);
  return {
    displayName: typeof claims.name === "string" ? text(stripUnsafeText(claims.name), 100) : null,
    email: email && /^[^\s@]+@[^\s@]+$/.test(email) ? email.toLowerCase() : null,
    avatarUrl: picture?.startsWith("https://") ? picture : null,
    emailVerified: claims.email_verified === true,
  };
}

/** A fresh username that cannot collide with (and so never takes over) an existing one. */
function newUsername(claims: VerifiedIdentity["claims"]): string {
  const hint = text(claims.preferred_username, 40) ?? text(claims.email, 80)?.split("@")[0] ?? "user";
  const base =
    hint
      .replace(/[^A-Za-z0-9._-]/g, "")
      .replace(/^[^A-Za-z0-9]+/, "")
      .slice(0, 40) || "user";
  return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface SignInContext {
  issuer: string;
  identity: VerifiedIdentity;
  /** A signed-in user started the flow to link this identity, under this session epoch. */
  link: { userId: string; epoch: number } | null;
  origin: Pick<AuditEntry, "requestId" | "clientRequestId" | "ip">;
}

type Profile = ReturnType<typeof profileFromClaims>;
/** An audit statement of this sign-in against `userId`, naming the method, issuer and subject. */
type SignInAudit = (
  action: string,
  userId: string,
  details?: Record<string, unknown>,
) => ReturnType<typeof auditStatement>;

function signInAudit(db: Database, ctx: SignInContext): SignInAudit {
  return (action, userId, details = {}) =>
    auditStatement(db, {
      action,
      actorId: userId,
      targetType: "user",
      targetId: userId,
      details: { method: "oidc", issuer: ctx.issuer, subject: ctx.identity.subject, ...details },
      ...ctx.origin,
    });
}

/** The `identities` row that links this provider account to `userId`. */
const identityRow = (ctx: SignInContext, profile: Profile, userId: string, id = crypto.randomUUID()) => ({
  id,
  userId,
  issuer: ctx.issuer,
  subject: ctx.identity.subject,
  email: profile.email,
  emailVerified: profile.emailVerified,
  lastUsedAt: nowIso(),
});

/**
 * Finds the user by (issuer, subject) — never by e-mail — or creates them just in time, copying
 * profile claims (and refreshing them on later sign-ins). With `ctx.link` (a signed-in user
 * started the flow) the identity is attached to that user instead. Each path is one batch.
 */
export async function signInWithIdentity(
  db: Database,
  ctx: SignInContext,
  retried = false,
): Promise<UserWithGroup> {
  const profile = profileFromClaims(ctx.identity.claims);
  const existing = await findIdentity(db, ctx.issuer, ctx.identity.subject);
  const audit = signInAudit(db, ctx);
  if (ctx.link) return linkIdentity(db, { ...ctx, link: ctx.link }, profile, existing, audit);
  if (existing) return signInLinkedUser(db, existing, profile, audit);
  const created = await createUserFromIdentity(db, ctx, profile, audit, retried);
  // A parallel first sign-in of the same subject created the user first: sign into it.
  return created ?? signInWithIdentity(db, ctx, true);
}

/** Attaches the identity to the signed-in user who started the flow (a no-op when it already is). */
async function linkIdentity(
  db: Database,
  ctx: SignInContext & { link: NonNullable<SignInContext["link"]> },
  profile: Profile,
  existing: IdentityRow | null,
  audit: SignInAudit,
): Promise<UserWithGroup> {
  const { userId, epoch } = ctx.link;
  // The session that started the link must still stand: ending the user's sessions (or a reset
  // that now demands a password change) between start and callback voids it.
  const user = await findUserWithGroupById(db, userId);
  if (!canHoldSession(user, epoch) || user?.mustChangePassword) {
    throw new OidcCallbackError("reauthentication_required");
  }
  if (existing && existing.userId !== userId) throw new OidcCallbackError("identity_in_use");
  if (!existing) {
    const row = identityRow(ctx, profile, userId);
    await db.batch([
      identityStatements.insert(db, row),
      audit("user.identity_linked", userId, { identity_id: row.id }),
    ]);
  }
  return activeUser(user);
}

/** Signs in the user the identity belongs to, refreshing the profile claims the provider sent. */
async function signInLinkedUser(
  db: Database,
  existing: IdentityRow,
  profile: Profile,
  audit: SignInAudit,
): Promise<UserWithGroup> {
  const user = activeUser(await findUserWithGroupById(db, existing.userId));
  const fields = {
    ...(profile.displayName ? { displayName: profile.displayName } : {}),
    ...(profile.email ? { email: profile.email } : {}),
    ...(profile.avatarUrl ? { avatarUrl: profile.avatarUrl } : {}),
  };
  const [, , , after] = await db.batch([
    userStatements.updateProfile(db, user.id, fields),
    identityStatements.touch(db, existing.id, profile.email, profile.emailVerified),
    audit("auth.login", user.id),
    userWithGroupQuery(db, user.id),
    userStatements.recordLoginSuccess(db, user.id),
  ]);
  return activeUser(toUserWithGroup(after[0]));
}

/**
 * Creates the user just in time with the identity linked. Null when a parallel first sign-in of
 * the same subject won the race (a unique violation), unless this is already the retry.
 */
async function createUserFromIdentity(
  db: Database,
  ctx: SignInContext,
  profile: Profile,
  audit: SignInAudit,
  retried: boolean,
): Promise<UserWithGroup | null> {
  const userId = crypto.randomUUID();
  const batch = db.batch([
    userStatements.insertIfUsernameFree(db, {
      id: userId,
      username: newUsername(ctx.identity.claims),
      email: profile.email,
      displayName: profile.displayName,
      avatarUrl: profile.avatarUrl,
      role: "user",
      groupId: UNGROUPED_GROUP_ID,
      identitySource: "OIDC",
      passwordHash: null,
      lastLoginAt: nowIso(),
    }),
    identityStatements.insert(db, identityRow(ctx, profile, userId)),
    audit("auth.login", userId),
    userWithGroupQuery(db, userId),
  ]);
  const created = await batch.then(
    ([, , , rows]) => rows,
    (error: unknown) => {
      if (isUniqueViolation(error) && !retried) return null;
      throw error;
    },
  );
  return created === null ? null : activeUser(toUserWithGroup(created[0]));
}

function activeUser(user: UserWithGroup | null): UserWithGroup {
  if (!user || !canHoldSession(user)) throw new OidcCallbackError("account_disabled");
  return user;
}
