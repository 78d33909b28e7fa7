import { z } from "@hono/zod-openapi";
import { IDENTITY_SOURCES, USER_ROLES, USER_STATUSES } from "../../db/schema";
import type { CallerSnapshot } from "../../domain/access-tokens/access-token";
import type { IssuedSession } from "../../storage/sessions";
import type { UserWithGroup } from "../../storage/users";

export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string().nullable(),
    display_name: z.string().nullable(),
    role: z.enum(USER_ROLES),
    group: z.object({ id: z.string(), name: z.string() }),
    status: z.enum(USER_STATUSES),
    identity_source: z.enum(IDENTITY_SOURCES),
    must_change_password: z.boolean(),
    mfa_enabled: z.boolean().openapi({ description: "The user has an active second factor" }),
    created_at: z.string(),
    last_login_at: z.string().nullable(),
  })
  .openapi("User");

export const ProfileSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    display_name: z.string().nullable(),
    email: z.string().nullable(),
    avatar_url: z.string().nullable(),
    bio: z.string().nullable(),
    timezone: z.string().nullable(),
    locale: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("Profile");

/** The User wire object from the row or from an access token's snapshot (same fields). */
export function toUserWire(user: CallerSnapshot): z.infer<typeof UserSchema> {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
    group: { id: user.group.id, name: user.group.name },
    status: user.status,
    identity_source: user.identitySource,
    must_change_password: user.mustChangePassword,
    mfa_enabled: user.mfaEnabled,
    created_at: user.createdAt,
    last_login_at: user.lastLoginAt,
  };
}

export function toProfileWire(user: UserWithGroup): z.infer<typeof ProfileSchema> {
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    email: user.email,
    avatar_url: user.avatarUrl,
    bio: user.bio,
    timezone: user.timezone,
    locale: user.locale,
    updated_at: user.updatedAt,
  };
}

/** What administrators see of a user: the profile and the lifecycle fields, never the hash. */
export const AdminUserSchema = UserSchema.extend({
  avatar_url: z.string().nullable(),
  bio: z.string().nullable(),
  timezone: z.string().nullable(),
  locale: z.string().nullable(),
  status_reason: z.string().nullable(),
  failed_attempts: z.number().int(),
  locked_until: z.string().nullable(),
  updated_at: z.string(),
  password_changed_at: z.string().nullable(),
  deleted_at: z.string().nullable(),
}).openapi("AdminUser");

export function toAdminUserWire(user: UserWithGroup): z.infer<typeof AdminUserSchema> {
  return {
    ...toUserWire(user),
    avatar_url: user.avatarUrl,
    bio: user.bio,
    timezone: user.timezone,
    locale: user.locale,
    status_reason: user.statusReason,
    failed_attempts: user.failedAttempts,
    locked_until: user.lockedUntil,
    updated_at: user.updatedAt,
    password_changed_at: user.passwordChangedAt,
    deleted_at: user.deletedAt,
  };
}

/** What every sign-in path answers: the user and the session token for Bearer clients. */
export const SessionResponseSchema = z
  .object({
    user: UserSchema,
    token: z.string().openapi({ description: "Session token; send as `Authorization: Bearer <token>`" }),
    expires_at: z.string(),
  })
  .openapi("SessionResponse");

export function toSessionWire(
  user: UserWithGroup,
  session: IssuedSession,
): z.infer<typeof SessionResponseSchema> {
  return { user: toUserWire(user), token: session.token, expires_at: session.record.expiresAt };
}
