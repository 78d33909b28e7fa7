import { readConfig } from "../../core/settings";
import { removeIdentity } from "../../domain/identities/remove-identity";
import type { AppRouteHandler } from "../../http/app-env";
import { callerSession } from "../../http/authenticate";
import { auditBase } from "../../http/request-context";
import { toIdentityListWire } from "../../http/schemas/identity";
import { listIdentitiesOfUser } from "../../storage/identities";
import { restampSession } from "../../storage/sessions";
import type { listMyIdentities, removeMyIdentity } from "./identities.routes";

export const listMyIdentitiesHandler: AppRouteHandler<typeof listMyIdentities> = async (c) =>
  c.json(toIdentityListWire(await listIdentitiesOfUser(c.var.primaryDb, c.var.auth.user.id)), 200);

export const removeMyIdentityHandler: AppRouteHandler<typeof removeMyIdentity> = async (c) => {
  const { user } = c.var.auth;
  const { sessionId, session } = callerSession(c);
  await removeIdentity(c.var.primaryDb, {
    userId: user.id,
    identityId: c.req.valid("param").identity_id,
    audit: auditBase(c),
  });
  // The removal ended every session in D1's eyes; keep the caller's, as a password change does.
  await restampSession(
    c.var.kv,
    sessionId,
    session,
    user.sessionEpoch + 1,
    readConfig(c.env).sessionIdleSeconds,
  );
  return c.json({ ok: true as const }, 200);
};
