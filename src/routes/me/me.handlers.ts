import { nowIso } from "../../core/time";
import type { AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import { profileUpdateToColumns } from "../../http/schemas/profile-fields";
import { toProfileWire, toUserWire } from "../../http/schemas/user";
import { auditStatement } from "../../storage/audit";
import { userStatements } from "../../storage/users";
import type { getMe, getProfile, updateProfile } from "./me.routes";

export const getMeHandler: AppRouteHandler<typeof getMe> = (c) => c.json(toUserWire(c.var.caller.user), 200);

export const getProfileHandler: AppRouteHandler<typeof getProfile> = (c) =>
  c.json(toProfileWire(c.var.auth.user), 200);

export const updateProfileHandler: AppRouteHandler<typeof updateProfile> = async (c) => {
  const { user } = c.var.auth;
  const columns = profileUpdateToColumns(c.req.valid("json"));
  const db = c.var.db;
  await db.batch([
    userStatements.updateProfile(db, user.id, columns),
    auditStatement(db, auditEntry(c, "user.profile_updated", {}, { fields: Object.keys(columns) })),
  ]);
  return c.json(toProfileWire({ ...user, ...columns, updatedAt: nowIso() }), 200);
};
