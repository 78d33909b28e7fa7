import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./http/app-env";
import { bindStorage } from "./http/bindings";
import { limitBodies } from "./http/body-limits";
import { createRouter } from "./http/create-router";
import { handleError } from "./http/error-handler";
import { createNotFoundHandler } from "./http/not-found";
import { API_PREFIX, registerOpenApi } from "./http/openapi";
import { assignRequestId } from "./http/request-context";
import { adminAuditRouter } from "./routes/admin-audit/admin-audit.index";
import { adminEncryptionRouter } from "./routes/admin-encryption/admin-encryption.index";
import { adminGroupsRouter } from "./routes/admin-groups/admin-groups.index";
import { adminUsersRouter } from "./routes/admin-users/admin-users.index";
import { authRouter } from "./routes/auth/auth.index";
import { meRouter } from "./routes/me/me.index";
import { mfaRouter } from "./routes/mfa/mfa.index";
import { oidcRouter } from "./routes/oidc/oidc.index";
import { passkeysRouter } from "./routes/passkeys/passkeys.index";
import { preferenceFilesRouter } from "./routes/preference-files/preference-files.index";
import { preferencesRouter } from "./routes/preferences/preferences.index";
import { providerChecksRouter } from "./routes/provider-checks/provider-checks.index";
import { systemRouter } from "./routes/system/system.index";

/** Resource routers, mounted under /api/v1 in this order. Add new resources here. */
const routers = [
  systemRouter,
  authRouter,
  oidcRouter,
  meRouter,
  mfaRouter,
  passkeysRouter,
  preferencesRouter,
  providerChecksRouter,
  preferenceFilesRouter,
  adminUsersRouter,
  adminGroupsRouter,
  adminAuditRouter,
  adminEncryptionRouter,
];

/** The one app factory: the Worker entry point and every test build the app through it. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ strict: false });
  app.use("*", assignRequestId);
  app.use(`${API_PREFIX}/*`, limitBodies, bindStorage);
  app.onError(handleError);
  app.notFound(createNotFoundHandler(app));

  const api = createRouter();
  for (const router of routers) api.route("/", router);
  app.route(API_PREFIX, api);
  registerOpenApi(app);
  return app;
}
