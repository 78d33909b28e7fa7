import { parseStoredPolicy } from "../../domain/preferences/group-policy";
import { isProviderAllowed } from "../../domain/preferences/policy-check";
import { CATALOG, SECTIONS } from "../../domain/preferences/provider-catalog";
import type { AppRouteHandler } from "../../http/app-env";
import { myPreferences, systemDefaults, writeMyPreferences } from "../../http/preferences-request";
import { etagOf, parseIfMatch, toPreferencesWire } from "../../http/schemas/preferences";
import type { getConfig, listProviders, putConfig } from "./preferences.routes";

export const getConfigHandler: AppRouteHandler<typeof getConfig> = (c) => {
  const view = myPreferences(c);
  c.header("ETag", etagOf(view.version));
  c.header("Cache-Control", "private, no-store");
  return c.json(toPreferencesWire(view, c.var.auth.user), 200);
};

export const putConfigHandler: AppRouteHandler<typeof putConfig> = async (c) => {
  const view = await writeMyPreferences(c, c.req.valid("json"), {
    action: "user.preferences_updated",
    expectedVersion: parseIfMatch(c.req.valid("header")["if-match"]),
  });
  c.header("ETag", etagOf(view.version));
  return c.json(toPreferencesWire(view, c.var.auth.user), 200);
};

export const listProvidersHandler: AppRouteHandler<typeof listProviders> = (c) => {
  const { section, configured_only } = c.req.valid("query");
  const view = myPreferences(c);
  const system = systemDefaults(c);
  const policy = parseStoredPolicy(c.var.auth.user.group.policy);
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
