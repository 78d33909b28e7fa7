import { notFound } from "../../core/errors";
import { removeIdentity } from "../../domain/identities/remove-identity";
import type { AppRouteHandler } from "../../http/app-env";
import { auditBase } from "../../http/request-context";
import { toIdentityListWire } from "../../http/schemas/identity";
import { listIdentitiesOfUser } from "../../storage/identities";
import { deleteUserSessions } from "../../storage/sessions";
import { findUserById } from "../../storage/users";
import type { listUserIdentities, removeUserIdentity } from "./admin-identities.routes";

export const listUserIdentitiesHandler: AppRouteHandler<typeof listUserIdentities> = async (c) => {
  const { uid } = c.req.valid("param");
  if (!(await findUserById(c.var.db, uid))) throw notFound("User");
  return c.json(toIdentityListWire(await listIdentitiesOfUser(c.var.db, uid)), 200);
};

export const removeUserIdentityHandler: AppRouteHandler<typeof removeUserIdentity> = async (c) => {
  const { uid, identity_id } = c.req.valid("param");
  const user = await findUserById(c.var.primaryDb, uid);
  if (!user || user.deletedAt) throw notFound("User");
  await removeIdentity(c.var.primaryDb, {
    userId: uid,
    identityId: identity_id,
    audit: auditBase(c, { targetId: uid }),
  });
  // D1's epoch bump already ended them everywhere; deleting the keys is housekeeping.
  await deleteUserSessions(c.var.kv, uid);
  return c.json({ ok: true as const }, 200);
};
