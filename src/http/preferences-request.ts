import type { Context } from "hono";
import { AppError, notFound } from "../core/errors";
import { readConfig } from "../core/settings";
import { serviceMayActIn } from "../domain/credentials/api-key-tokens";
import { keyRingFor } from "../domain/preferences/key-encryption";
import type { PreferencesUpdate } from "../domain/preferences/preference-schemas";
import {
  loadPreferences,
  type PreferencesView,
  writePreferences,
} from "../domain/preferences/preferences-service";
import type { ProviderCallContext } from "../domain/preferences/provider-access";
import { readSystemDefaults } from "../domain/preferences/system-defaults";
import { canHoldSession } from "../domain/sessions/session-validity";
import { authUserQuery, preferencesSnapshotOf, toUserWithGroup, type UserWithGroup } from "../storage/users";
import type { AppEnv } from "./app-env";
import { auditEntry } from "./request-context";

/** The request-level glue every preference resource shares: bindings in, domain calls out. */
type Ctx = Context<AppEnv>;

export const systemDefaults = (c: Ctx) => readSystemDefaults(c.env.SYSTEM_DEFAULTS);
const keyRing = (c: Ctx) => () => keyRingFor(c.env);

/** The signed-in user's preferences, from what authentication already loaded (no storage access). */
export const myPreferences = (c: Ctx): PreferencesView =>
  loadPreferences(c.var.auth.user, c.var.auth.preferences, systemDefaults(c));

/** Applies `update` to the signed-in user's preferences through the one write path. */
export function writeMyPreferences(
  c: Ctx,
  update: PreferencesUpdate,
  options: { action: string; expectedVersion?: number; current?: PreferencesView },
): Promise<PreferencesView> {
  return writePreferences(c.var.db, c.var.kv, {
    user: c.var.auth.user,
    system: systemDefaults(c),
    current: options.current ?? myPreferences(c),
    update,
    expectedVersion: options.expectedVersion,
    keyRing: keyRing(c),
    audit: auditEntry(c, options.action),
  });
}

/** What an outbound provider call on the signed-in user's behalf needs. */
export const myProviderCallContext = (c: Ctx): ProviderCallContext =>
  providerCallContextFor(c, c.var.auth.user, myPreferences(c));

const providerCallContextFor = (c: Ctx, user: UserWithGroup, view: PreferencesView): ProviderCallContext => ({
  db: c.var.db,
  user,
  view,
  config: readConfig(c.env),
  keyRing: keyRing(c),
});

/**
 * A provider call context for another user, for the calling service account (`c.var.service`) to
 * act on their behalf: the user, group policy, preferences and key metadata in one read from the D1
 * primary, as authentication reads them. 404 for an unknown or deleted user and, alike, for a user
 * outside the groups the service account is limited to (it learns nothing about them); 403
 * `account_disabled` for one who may not sign in.
 */
export async function serviceTargetContext(c: Ctx, userId: string): Promise<ProviderCallContext> {
  const row = await authUserQuery(c.var.primaryDb, userId).get();
  const user = toUserWithGroup(row);
  if (!user || user.deletedAt || !serviceMayActIn(c.var.service.groupIds, user.groupId))
    throw notFound("User");
  if (!canHoldSession(user)) throw new AppError("account_disabled", "The user's account is disabled");
  const view = loadPreferences(user, preferencesSnapshotOf(row), systemDefaults(c));
  return providerCallContextFor(c, user, view);
}
