import type { Context } from "hono";
import { AppError, notFound } from "../../core/errors";
import { nowIso } from "../../core/time";
import { UNGROUPED_GROUP_ID } from "../../db/schema";
import { resetSecondFactors } from "../../domain/mfa/second-factor";
import { newPasswordColumns } from "../../domain/passwords/new-password";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { requireStepUp } from "../../http/recent-authentication";
import { auditBase, auditEntry } from "../../http/request-context";
import { paginationOf } from "../../http/schemas/common";
import { profileUpdateToColumns } from "../../http/schemas/profile-fields";
import { toAdminUserWire } from "../../http/schemas/user";
import { auditIfChangedStatement } from "../../storage/audit";
import { isForeignKeyViolation } from "../../storage/constraint-errors";
import { findGroup } from "../../storage/groups";
import { identityStatements } from "../../storage/identities";
import { deleteUserSessions, listUserSessions } from "../../storage/sessions";
import { applyGuardedUserChange, type GuardedChange } from "../../storage/user-changes";
import {
  findUserById,
  findUserWithGroupById,
  listUsers,
  toUserWithGroup,
  userStatements,
  userWithGroupQuery,
} from "../../storage/users";
import type * as routes from "./admin-users.routes";
import { toUserSessionWire } from "./admin-users.schemas";

type Ctx = Context<AppEnv>;

const auditFor = (c: Ctx, action: string, targetId: string, details: Record<string, unknown> = {}) =>
  auditEntry(c, action, { targetId }, details);

/** Applies a guarded change, then (when sessions end) clears the user's session keys in KV too. */
async function change(
  c: Ctx,
  input: Omit<GuardedChange, "audit"> & { action: string; details?: Record<string, unknown> },
) {
  const user = await applyGuardedUserChange(c.var.db, {
    ...input,
    audit: auditFor(c, input.action, input.userId, input.details),
  });
  // D1's epoch bump already ended them everywhere; deleting the keys is housekeeping.
  if (input.endSessions) await deleteUserSessions(c.var.kv, user.id);
  return c.json(toAdminUserWire(user), 200);
}

/**
 * Unlinks every provider identity of the user, in the batch of the change it rides along, with one
 * audit entry per identity naming its issuer and subject (docs/oidc.md, "Linking").
 */
const removeAllIdentities = (c: Ctx, uid: string) => [
  identityStatements.auditRemovalOfAll(c.var.db, uid, {
    ...auditBase(c, { targetId: uid }),
    action: "admin.identity_removed",
  }),
  identityStatements.removeAllOfUser(c.var.db, uid),
];

async function requireGroup(c: Ctx, groupId: string) {
  if (!(await findGroup(c.var.db, groupId))) throw notFound("Group");
}

export const listUsersHandler: AppRouteHandler<typeof routes.listUsersRoute> = async (c) => {
  const q = c.req.valid("query");
  const { users, total } = await listUsers(c.var.db, {
    page: q.page,
    perPage: q.per_page,
    search: q.search || undefined,
    role: q.role,
    groupId: q.group_id,
    status: q.status,
    identitySource: q.identity_source,
    mfaEnabled: q.mfa_enabled,
    sortBy: q.sort_by,
    sortOrder: q.sort_order,
    includeDeleted: q.include_deleted,
  });
  return c.json(
    {
      data: users.map(toAdminUserWire),
      pagination: paginationOf(q.page, q.per_page, total),
    },
    200,
  );
};

export const createUserHandler: AppRouteHandler<typeof routes.createUser> = async (c) => {
  const body = c.req.valid("json");
  const groupId = body.group_id ?? UNGROUPED_GROUP_ID;
  await requireGroup(c, groupId);
  const password = await newPasswordColumns({
    password: body.password,
    username: body.username,
    loc: ["body", "password"],
    mustChangePassword: body.require_password_change,
  });
  const id = crypto.randomUUID();
  const db = c.var.db;
  // One batch: the insert (a no-op when the username is taken, even by a deleted user), its audit
  // entry only if it applied, and the new row for the answer.
  const [inserted, , after] = await db
    .batch([
      userStatements.insertIfUsernameFree(db, {
        id,
        username: body.username,
        email: body.email?.toLowerCase() ?? null,
        displayName: body.display_name ?? null,
        role: body.role,
        groupId,
        ...password,
      }),
      auditIfChangedStatement(
        db,
        auditFor(c, "admin.user_created", id, { role: body.role, group_id: groupId }),
      ),
      userWithGroupQuery(db, id),
    ])
    .catch((error: unknown) => {
      // The group was deleted after requireGroup looked: the same answer as if it never existed.
      if (isForeignKeyViolation(error)) throw notFound("Group");
      throw error;
    });
  const user = toUserWithGroup(after[0]);
  if (inserted.length === 0 || !user)
    throw new AppError("username_taken", `The username '${body.username}' is taken`);
  return c.json(toAdminUserWire(user), 201);
};

export const getUserHandler: AppRouteHandler<typeof routes.getUser> = async (c) => {
  const user = await findUserWithGroupById(c.var.db, c.req.valid("param").uid);
  if (!user) throw notFound("User");
  return c.json(toAdminUserWire(user), 200);
};

export const patchUserHandler: AppRouteHandler<typeof routes.patchUser> = async (c) => {
  const columns = profileUpdateToColumns(c.req.valid("json"));
  return change(c, {
    userId: c.req.valid("param").uid,
    set: columns,
    removesAdmin: false,
    endSessions: false,
    action: "admin.user_updated",
    details: { fields: Object.keys(columns) },
  });
};

export const setRoleHandler: AppRouteHandler<typeof routes.setRole> = async (c) => {
  requireStepUp(c);
  const { role } = c.req.valid("json");
  return change(c, {
    userId: c.req.valid("param").uid,
    set: { role },
    removesAdmin: role !== "admin",
    endSessions: false,
    action: "admin.role_changed",
    details: { role },
  });
};

export const setGroupHandler: AppRouteHandler<typeof routes.setGroup> = async (c) => {
  const { group_id } = c.req.valid("json");
  await requireGroup(c, group_id);
  return change(c, {
    userId: c.req.valid("param").uid,
    set: { groupId: group_id },
    removesAdmin: false,
    endSessions: false,
    action: "admin.group_changed",
    details: { group_id },
  });
};

export const setStatusHandler: AppRouteHandler<typeof routes.setStatus> = async (c) => {
  const { status, reason } = c.req.valid("json");
  const active = status === "ACTIVE";
  return change(c, {
    userId: c.req.valid("param").uid,
    set: {
      status,
      statusReason: reason ?? null,
      ...(active ? { failedAttempts: 0, lockedUntil: null } : {}),
    },
    removesAdmin: !active,
    endSessions: !active,
    action: "admin.status_changed",
    details: { status, reason: reason ?? null },
  });
};

export const unlockUserHandler: AppRouteHandler<typeof routes.unlockUser> = async (c) =>
  change(c, {
    userId: c.req.valid("param").uid,
    set: { failedAttempts: 0, lockedUntil: null },
    removesAdmin: false,
    endSessions: false,
    action: "admin.user_unlocked",
  });

export const resetPasswordHandler: AppRouteHandler<typeof routes.resetPassword> = async (c) => {
  const { new_password, require_password_change, remove_identities } = c.req.valid("json");
  const uid = c.req.valid("param").uid;
  const target = await findUserWithGroupById(c.var.db, uid);
  if (!target || target.deletedAt) throw notFound("User");
  const password = await newPasswordColumns({
    password: new_password,
    username: target.username,
    loc: ["body", "new_password"],
    mustChangePassword: require_password_change,
  });
  return change(c, {
    userId: uid,
    set: {
      ...password,
      failedAttempts: 0,
      lockedUntil: null,
    },
    removesAdmin: false,
    endSessions: true,
    action: "admin.password_reset",
    details: { remove_identities },
    alsoRun: remove_identities ? removeAllIdentities(c, uid) : [],
  });
};

export const deleteUserHandler: AppRouteHandler<typeof routes.deleteUser> = async (c) =>
  change(c, {
    userId: c.req.valid("param").uid,
    set: { deletedAt: nowIso() },
    removesAdmin: true,
    endSessions: true,
    action: "admin.user_deleted",
  });

export const listSessionsHandler: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  const user = await findUserWithGroupById(c.var.db, c.req.valid("param").uid);
  if (!user) throw notFound("User");
  const sessions = await listUserSessions(c.var.kv, user.id);
  return c.json({ data: sessions.map(toUserSessionWire) }, 200);
};

export const endSessionsHandler: AppRouteHandler<typeof routes.endSessions> = async (c) => {
  const uid = c.req.valid("param").uid;
  const { remove_identities } = c.req.valid("query");
  if (remove_identities) {
    // A password, once set, is never cleared, so this check cannot go stale before the batch.
    const user = await findUserById(c.var.primaryDb, uid);
    if (!user || user.deletedAt) throw notFound("User");
    if (!user.passwordHash) {
      throw new AppError(
        "last_sign_in_method",
        "This account has no password: removing its identities would leave it no way in; reset the password instead",
      );
    }
  }
  const before = await listUserSessions(c.var.kv, uid);
  await change(c, {
    userId: uid,
    set: {},
    removesAdmin: false,
    endSessions: true,
    action: "admin.sessions_ended",
    details: { remove_identities },
    alsoRun: remove_identities ? removeAllIdentities(c, uid) : [],
  });
  return c.json({ ended: before.length }, 200);
};

export const disableUserMfaHandler: AppRouteHandler<typeof routes.disableUserMfa> = async (c) => {
  requireStepUp(c);
  const uid = c.req.valid("param").uid;
  const target = await findUserWithGroupById(c.var.db, uid);
  if (!target || target.deletedAt) throw notFound("User");
  await resetSecondFactors(c.var.db, uid, auditBase(c, { targetId: uid }));
  // The epoch bump in the batch ended every session; deleting the keys is housekeeping.
  await deleteUserSessions(c.var.kv, uid);
  const user = await findUserWithGroupById(c.var.db, uid);
  if (!user) throw notFound("User");
  return c.json(toAdminUserWire(user), 200);
};
