import { AppError } from "../../core/errors";
import { diffUpdate, exportYaml, parseImport } from "../../domain/preferences/yaml-io";
import type { AppRouteHandler } from "../../http/app-env";
import { myPreferences, writeMyPreferences } from "../../http/preferences-request";
import { requireStepUp } from "../../http/recent-authentication";
import { toPreferencesWire } from "../../http/schemas/preferences";
import type { exportConfig, importConfig } from "./preference-files.routes";

export const exportConfigHandler: AppRouteHandler<typeof exportConfig> = (c) => {
  requireStepUp(c);
  const { user } = c.var.auth;
  const yaml = exportYaml(myPreferences(c), user.username);
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
  const text = await readUpload(c.req.header("content-type") ?? "", () => c.req.parseBody());
  const update = parseImport(text);
  const current = myPreferences(c);
  const changes = diffUpdate(current, update);
  const dryRun = c.req.valid("query").dry_run;
  if (dryRun || changes.length === 0) {
    return c.json(
      { dry_run: dryRun, changes, preferences: toPreferencesWire(current, c.var.auth.user) },
      200,
    );
  }
  const view = await writeMyPreferences(c, update, { action: "user.preferences_imported", current });
  return c.json({ dry_run: false, changes, preferences: toPreferencesWire(view, c.var.auth.user) }, 200);
};
