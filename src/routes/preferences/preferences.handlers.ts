import { parseStoredPolicy } from "../../domain/preferences/group-policy";
import { isProviderAllowed } from "../../domain/preferences/policy-check";
import { loadPreferences, replacePreferences } from "../../domain/preferences/preferences-service";
import { CATALOG, SECTIONS } from "../../domain/preferences/provider-catalog";
import type { AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import { forgetModelCache } from "../../storage/model-cache";
import type { getConfig, listProviders, putConfig } from "./preferences.routes";
import { etagOf, keyRing, parseIfMatch, systemDefaults, toWire } from "./preferences-context";

export const getConfigHandler: AppRouteHandler<typeof getConfig> = (c) => {
  const view = loadPreferences(c.var.auth.user, c.var.auth.preferences, systemDefaults(c));
  c.header("ETag", etagOf(view.version));
  c.header("Cache-Control", "private, no-store");
  return c.json(toWire(view), 200);
};

export const putConfigHandler: AppRouteHandler<typeof putConfig> = async (c) => {
  const { user, preferences } = c.var.auth;
  const update = c.req.valid("json");
  const system = systemDefaults(c);
  const current = loadPreferences(user, preferences, system);
  const setsKey = SECTIONS.some((s) => typeof update[s]?.api_key === "string");
  const view = await replacePreferences(c.var.db, user, system, current.overrides, update, {
    expectedVersion: parseIfMatch(c.req.valid("header")["if-match"]),
    ring: setsKey ? await keyRing(c) : null,
    audit: auditEntry(c, "user.preferences_updated"),
  });
  await forgetModelCache(
    c.var.kv,
    user.id,
    SECTIONS.flatMap((section) => {
      const provider = update[section]?.provider;
      return provider ? [{ section, provider }] : [];
    }),
  );
  c.header("ETag", etagOf(view.version));
  return c.json(toWire(view), 200);
};

export const listProvidersHandler: AppRouteHandler<typeof listProviders> = (c) => {
  const { section, configured_only } = c.req.valid("query");
  const { user, preferences } = c.var.auth;
  const system = systemDefaults(c);
  const view = loadPreferences(user, preferences, system);
  const policy = parseStoredPolicy(user.group.policy);
  const data = (section ? [section] : SECTIONS).flatMap((s) => {
    // Configured: chosen by the user or the system defaults, or holding a stored key.
    const configured = new Set([
      view.overrides[s]?.provider,
      system[s]?.provider,
      ...view.keys[s].map((k) => k.provider),
    ]);
    return CATALOG[s].map((entry) => ({
      section: s,
      id: entry.id,
      name: entry.name,
      key_required: entry.keyRequired,
      custom_base_url: entry.customBaseUrl,
      default_base_url: entry.baseUrl,
      allowed: isProviderAllowed(policy, s, entry.id),
      configured: configured.has(entry.id),
    }));
  });
  return c.json({ data: configured_only ? data.filter((p) => p.configured && p.allowed) : data }, 200);
};
