import { z } from "@hono/zod-openapi";
import { IDENTITY_SOURCES, USER_ROLES, USER_STATUSES } from "../../db/schema";
import {
  booleanQuery,
  optionalBooleanQuery,
  PaginationSchema,
  pageQuery,
  passwordInput,
} from "../../http/schemas/common";
import { displayNameField, emailField } from "../../http/schemas/profile-fields";
import { AdminUserSchema } from "../../http/schemas/user";
import type { SessionSummary } from "../../storage/sessions";

export const UserIdParams = z.object({
  uid: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "uid", in: "path" } }),
});

export const ListUsersQuery = z.object({
  ...pageQuery(20),
  search: z.string().trim().max(100).optional(),
  role: z.enum(USER_ROLES).optional(),
  group_id: z.string().max(64).optional(),
  status: z.enum(USER_STATUSES).optional(),
  identity_source: z.enum(IDENTITY_SOURCES).optional(),
  /** Only users with (true) or without (false) an active second factor. */
  mfa_enabled: optionalBooleanQuery,
  sort_by: z.enum(["created_at", "username", "last_login_at"]).default("created_at"),
  sort_order: z.enum(["asc", "desc"]).default("desc"),
  include_deleted: booleanQuery(),
});

export const UserListSchema = z
  .object({ data: z.array(AdminUserSchema), pagination: PaginationSchema })
  .openapi("UserList");

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export const CreateUserSchema = z
  .strictObject({
    username: z.string().regex(USERNAME_PATTERN, "2-64 characters: letters, digits and . _ @ -"),
    email: emailField.optional(),
    display_name: displayNameField.optional(),
    role: z.enum(USER_ROLES).default("user"),
    group_id: z.string().max(64).optional(),
    password: passwordInput,
    require_password_change: z.boolean().default(false),
  })
  .openapi("CreateUser");

export const RoleUpdateSchema = z.strictObject({ role: z.enum(USER_ROLES) }).openapi("RoleUpdate");
export const GroupAssignmentSchema = z
  .strictObject({ group_id: z.string().min(1).max(64) })
  .openapi("GroupAssignment");
export const StatusUpdateSchema = z
  .strictObject({ status: z.enum(USER_STATUSES), reason: z.string().max(500).optional() })
  .openapi("StatusUpdate");
export const PasswordResetSchema = z
  .strictObject({
    new_password: passwordInput,
    require_password_change: z.boolean().default(true),
    remove_identities: z.boolean().default(false).openapi({
      description: "Also unlink every provider identity (recovering an account taken over through a link)",
    }),
  })
  .openapi("PasswordReset");

export const EndSessionsQuery = z.object({
  remove_identities: booleanQuery().openapi({
    description:
      "Also unlink every provider identity; refused (409) for an account without a password, which would have no way in",
  }),
});

const UserSessionSchema = z.object({
  id: z.string(),
  created_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  last_seen_at: z.string().nullable().openapi({
    description: "Last renewal: activity is recorded at most once per renewal interval",
  }),
  method: z.string().nullable(),
  ip: z.string().nullable(),
});

export const SessionListSchema = z.object({ data: z.array(UserSessionSchema) }).openapi("SessionList");

export function toUserSessionWire(session: SessionSummary): z.infer<typeof UserSessionSchema> {
  return {
    id: session.id,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    last_seen_at: session.lastSeenAt,
    method: session.method,
    ip: session.ip,
  };
}

export const EndedSessionsSchema = z.object({ ended: z.number().int() }).openapi("EndedSessions");
