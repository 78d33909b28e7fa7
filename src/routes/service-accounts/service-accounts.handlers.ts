import type { Context } from "hono";
import { AppError, invalid, notFound } from "../../core/errors";
import { nowIso } from "../../core/time";
import { UNGROUPED_GROUP_ID } from "../../db/schema";
import { createApiKey, revokeApiKey } from "../../domain/credentials/api-key-service";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import { toApiKeyWire } from "../../http/schemas/api-keys";
import { listApiKeys, revokeServiceAccountKeysStatement } from "../../storage/api-keys";
import { auditIfChangedStatement } from "../../storage/audit";
import { existingGroupIds } from "../../storage/groups";
import {
  deleteServiceAccountStatement,
  insertServiceAccountStatement,
  listServiceAccounts,
  serviceAccountQuery,
} from "../../storage/service-accounts";
import type * as routes from "./service-accounts.routes";
import { toServiceAccountWire } from "./service-accounts.schemas";

type Ctx = Context<AppEnv>;
const target = (id: string) => ({ targetType: "service_account", targetId: id });

async function requireAccount(c: Ctx, id: string) {
  const row = await serviceAccountQuery(c.var.db, id).get();
  if (!row) throw notFound("Service account");
  return row;
}

/**
 * The group limit as stored: null (every user), or the ids, each of which must name a group. Not
 * the default group: deleting any group moves its members there, which would silently widen the
 * account's reach.
 */
async function groupLimit(c: Ctx, groupIds: string[] | undefined): Promise<string | null> {
  if (groupIds === undefined) return null;
  const ungrouped = groupIds.indexOf(UNGROUPED_GROUP_ID);
  if (ungrouped >= 0)
    throw invalid(["body", "group_ids", ungrouped], "The default group cannot limit a service account");
  const unique = [...new Set(groupIds)];
  const existing = new Set(await existingGroupIds(c.var.db, unique));
  const unknown = groupIds.findIndex((id) => !existing.has(id));
  if (unknown >= 0) throw invalid(["body", "group_ids", unknown], "No group has this id");
  return JSON.stringify(unique);
}

export const createServiceAccountHandler: AppRouteHandler<typeof routes.createServiceAccount> = async (c) => {
  const body = c.req.valid("json");
  const id = crypto.randomUUID();
  const db = c.var.db;
  const groupIds = await groupLimit(c, body.group_ids);
  const [inserted, , rows] = await db.batch([
    insertServiceAccountStatement(db, {
      id,
      name: body.name,
      description: body.description,
      groupIds,
      createdBy: c.var.auth.user.id,
    }),
    auditIfChangedStatement(
      db,
      auditEntry(c, "admin.service_account_created", target(id), {
        name: body.name,
        group_ids: body.group_ids ?? null,
      }),
    ),
    serviceAccountQuery(db, id),
  ]);
  const row = rows[0];
  if (inserted.length === 0 || !row)
    throw new AppError("service_account_name_taken", `A service account named '${body.name}' exists`);
  return c.json(toServiceAccountWire(row), 201);
};

export const listServiceAccountsHandler: AppRouteHandler<typeof routes.listServiceAccountsRoute> = async (
  c,
) => {
  const rows = await listServiceAccounts(c.var.db);
  return c.json({ data: rows.map(toServiceAccountWire) }, 200);
};

export const deleteServiceAccountHandler: AppRouteHandler<typeof routes.deleteServiceAccount> = async (c) => {
  const { sa_id } = c.req.valid("param");
  const db = c.var.db;
  const at = nowIso();
  const [deleted] = await db.batch([
    deleteServiceAccountStatement(db, sa_id, at),
    auditIfChangedStatement(db, auditEntry(c, "admin.service_account_deleted", target(sa_id))),
    revokeServiceAccountKeysStatement(db, sa_id, at),
  ]);
  if (deleted.length === 0) throw notFound("Service account");
  return c.json({ ok: true as const }, 200);
};

export const createServiceKeyHandler: AppRouteHandler<typeof routes.createServiceKey> = async (c) => {
  const { sa_id } = c.req.valid("param");
  const body = c.req.valid("json");
  await requireAccount(c, sa_id);
  const { row, token } = await createApiKey(c.var.db, {
    owner: { serviceAccountId: sa_id },
    name: body.name,
    scopes: body.scopes,
    expiresAt: body.expires_at,
    ownerEpoch: 0,
    createdBy: c.var.auth.user.id,
    audit: auditEntry(c, "admin.service_account_key_created", target(sa_id), { name: body.name }),
  });
  c.header("Cache-Control", "no-store");
  return c.json({ ...toApiKeyWire(row), token }, 201);
};

export const listServiceKeysHandler: AppRouteHandler<typeof routes.listServiceKeys> = async (c) => {
  const { sa_id } = c.req.valid("param");
  await requireAccount(c, sa_id);
  const rows = await listApiKeys(c.var.db, { serviceAccountId: sa_id });
  return c.json({ data: rows.map(toApiKeyWire) }, 200);
};

export const revokeServiceKeyHandler: AppRouteHandler<typeof routes.revokeServiceKey> = async (c) => {
  const { sa_id, key_id } = c.req.valid("param");
  await revokeApiKey(
    c.var.db,
    { serviceAccountId: sa_id },
    key_id,
    auditEntry(c, "admin.service_account_key_revoked", target(sa_id)),
  );
  return c.json({ ok: true as const }, 200);
};
