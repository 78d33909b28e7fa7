import type { Context } from "hono";
import { readConfig } from "../core/settings";
import { loadKeyRing } from "../domain/preferences/key-encryption";
import type { PreferencesUpdate } from "../domain/preferences/preference-schemas";
import {
  loadPreferences,
  type PreferencesView,
  writePreferences,
} from "../domain/preferences/preferences-service";
import type { ProviderCallContext } from "../domain/preferences/provider-access";
import { readSystemDefaults } from "../domain/preferences/system-defaults";
import type { AppEnv } from "./app-env";
import { auditEntry } from "./request-context";

/** The request-level glue every preference resource shares: bindings in, domain calls out. */
type Ctx = Context<AppEnv>;

export const systemDefaults = (c: Ctx) => readSystemDefaults(c.env.SYSTEM_DEFAULTS);
const keyRing = (c: Ctx) => () => loadKeyRing(c.env.ENCRYPTION_KEY);

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
export const myProviderCallContext = (c: Ctx): ProviderCallContext => ({
  db: c.var.db,
  user: c.var.auth.user,
  view: myPreferences(c),
  config: readConfig(c.env),
  keyRing: keyRing(c),
});
