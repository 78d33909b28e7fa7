import { AppError } from "../../core/errors";
import { loadPreferences, replacePreferences } from "../../domain/preferences/preferences-service";
import { SECTIONS } from "../../domain/preferences/provider-catalog";
import { diffUpdate, exportYaml, parseImport } from "../../domain/preferences/yaml-io";
import type { AppRouteHandler } from "../../http/app-env";
import { auditEntry } from "../../http/request-context";
import type { exportConfig, importConfig } from "./preferences.routes";
import { keyRing, systemDefaults, toWire } from "./preferences-context";

export const exportConfigHandler: AppRouteHandler<typeof exportConfig> = (c) => {
  const { user, preferences } = c.var.auth;
  const yaml = exportYaml(loadPreferences(user, preferences, systemDefaults(c)), user.username);
  const filename = `preferences-${user.username.replace(/[^A-Za-z0-9._-]/g, "_")}.yaml`;
  return c.body(yaml, 200, {
    "Content-Type": "application/yaml; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "private, no-store",
  });
};

async function readUpload(
  contentType: string,
  form: () => Promise<Record<string, string | File | (string | File)[]>>,
) {
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError(
      "unsupported_media_type",
      "Upload the YAML as multipart/form-data with a field named 'file'",
    );
  }
  let body: Record<string, string | File | (string | File)[]>;
  try {
    body = await form();
  } catch {
    throw new AppError("invalid_multipart", "The multipart body could not be read");
  }
  const file = body.file;
  if (file instanceof File) return file.text();
  if (typeof file === "string") return file;
  throw new AppError("missing_file", "The multipart body has no single field named 'file'");
}

export const importConfigHandler: AppRouteHandler<typeof importConfig> = async (c) => {
  const { user, preferences } = c.var.auth;
  const text = await readUpload(c.req.header("content-type") ?? "", () => c.req.parseBody());
  const update = parseImport(text);
  const system = systemDefaults(c);
  const current = loadPreferences(user, preferences, system);
  const changes = diffUpdate(current, update);
  const dryRun = c.req.valid("query").dry_run === "true";
  if (dryRun || changes.length === 0) {
    return c.json({ dry_run: dryRun, changes, preferences: toWire(current) }, 200);
  }
  const setsKey = SECTIONS.some((s) => typeof update[s]?.api_key === "string");
  const view = await replacePreferences(c.var.db, user, system, current.overrides, update, {
    ring: setsKey ? await keyRing(c) : null,
    audit: auditEntry(c, "user.preferences_imported"),
  });
  return c.json({ dry_run: false, changes, preferences: toWire(view) }, 200);
};
