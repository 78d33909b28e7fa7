import type { Context } from "hono";
import { AppError, notFound } from "../../core/errors";
import { UNGROUPED_GROUP_ID } from "../../db/schema";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import { auditStatement } from "../../storage/audit";
import {
  countMembers,
  findGroup,
  groupStatements,
  isUniqueViolation,
  listGroupsWithMemberCounts,
} from "../../storage/groups";
import type { createGroup, deleteGroup, listGroups, updateGroup } from "./admin-groups.routes";
import { toGroupWire } from "./admin-groups.schemas";

const audit = (c: Context<AppEnv>, action: string, groupId: string, details: Record<string, unknown>) =>
  auditStatement(c.var.db, auditEntry(c, action, { targetType: "group", targetId: groupId }, details));

const nameTaken = (name: string) => new AppError("group_name_taken", `A group named '${name}' exists`);

export const listGroupsHandler: AppRouteHandler<typeof listGroups> = async (c) => {
  const rows = await listGroupsWithMemberCounts(c.var.db);
  return c.json({ data: rows.map((r) => toGroupWire(r.group, r.memberCount)) }, 200);
};

export const createGroupHandler: AppRouteHandler<typeof createGroup> = async (c) => {
  const body = c.req.valid("json");
  const db = c.var.db;
  const id = crypto.randomUUID();
  try {
    await db.batch([
      groupStatements.insert(db, {
        id,
        name: body.name,
        description: body.description,
        policy: JSON.stringify(body.policy),
      }),
      audit(c, "admin.group_created", id, { name: body.name }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(body.name);
    throw error;
  }
  const group = await findGroup(db, id);
  if (!group) throw notFound("Group");
  return c.json(toGroupWire(group, 0), 201);
};

export const updateGroupHandler: AppRouteHandler<typeof updateGroup> = async (c) => {
  const { gid } = c.req.valid("param");
  const body = c.req.valid("json");
  const db = c.var.db;
  const existing = await findGroup(db, gid);
  if (!existing) throw notFound("Group");
  if (gid === UNGROUPED_GROUP_ID && body.name !== undefined && body.name !== existing.name) {
    throw new AppError("reserved_group", "The group 'ungrouped' cannot be renamed");
  }
  const fields = {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.policy !== undefined ? { policy: JSON.stringify(body.policy) } : {}),
  };
  try {
    await db.batch([
      groupStatements.update(db, gid, fields),
      audit(c, "admin.group_updated", gid, { fields: Object.keys(fields) }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error) && body.name) throw nameTaken(body.name);
    throw error;
  }
  const [group, members] = await Promise.all([findGroup(db, gid), countMembers(db, gid)]);
  if (!group) throw notFound("Group");
  return c.json(toGroupWire(group, members), 200);
};

export const deleteGroupHandler: AppRouteHandler<typeof deleteGroup> = async (c) => {
  const { gid } = c.req.valid("param");
  if (gid === UNGROUPED_GROUP_ID)
    throw new AppError("reserved_group", "The group 'ungrouped' cannot be deleted");
  const db = c.var.db;
  const group = await findGroup(db, gid);
  if (!group) throw notFound("Group");
  const [moved] = await db.batch([
    groupStatements.moveMembersToUngrouped(db, gid),
    groupStatements.delete(db, gid),
    audit(c, "admin.group_deleted", gid, { name: group.name }),
  ]);
  return c.json({ deleted: true as const, members_moved: moved.meta.changes }, 200);
};
