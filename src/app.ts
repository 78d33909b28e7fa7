import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./http/app-env";
import { bindStorage } from "./http/bindings";
import { limitBodies } from "./http/body-limits";
import { createRouter } from "./http/create-router";
import { handleError } from "./http/error-handler";
import { createNotFoundHandler } from "./http/not-found";
import { API_PREFIX, registerOpenApi } from "./http/openapi";
import { cors, refuseCrossSiteWrites } from "./http/origin";
import { assignRequestId } from "./http/request-context";
import { securityHeaders } from "./http/security-headers";
import { accessTokensRouter, wellKnownRootRouter } from "./routes/access-tokens/access-tokens.index";
import { adminAuditRouter } from "./routes/admin-audit/admin-audit.index";
import { adminEncryptionRouter } from "./routes/admin-encryption/admin-encryption.index";
import { adminGroupsRouter } from "./routes/admin-groups/admin-groups.index";
import { adminIdentitiesRouter } from "./routes/admin-identities/admin-identities.index";
import { adminUsersRouter } from "./routes/admin-users/admin-users.index";
import { apiKeysRouter } from "./routes/api-keys/api-keys.index";
import { appAccessRouter } from "./routes/app-access/app-access.index";
import { authRouter } from "./routes/auth/auth.index";
import { identitiesRouter } from "./routes/identities/identities.index";
import { meRouter } from "./routes/me/me.index";
import { mfaRouter } from "./routes/mfa/mfa.index";
import { mySessionsRouter } from "./routes/my-sessions/my-sessions.index";
import { oidcRouter } from "./routes/oidc/oidc.index";
import { passkeysRouter } from "./routes/passkeys/passkeys.index";
import { preferenceFilesRouter } from "./routes/preference-files/preference-files.index";
import { preferencesRouter } from "./routes/preferences/preferences.index";
import { providerChecksRouter } from "./routes/provider-checks/provider-checks.index";
import { serviceAccountsRouter } from "./routes/service-accounts/service-accounts.index";
import { systemRouter } from "./routes/system/system.index";

/** Resource routers, mounted under /api/v1 in this order. Add new resources here. */
const createApi = () =>
  createRouter()
    .route("/", systemRouter)
    .route("/", authRouter)
    .route("/", accessTokensRouter)
    .route("/", oidcRouter)
    .route("/", meRouter)
    .route("/", mfaRouter)
    .route("/", passkeysRouter)
    .route("/", identitiesRouter)
    .route("/", mySessionsRouter)
    .route("/", preferencesRouter)
    .route("/", providerChecksRouter)
    .route("/", preferenceFilesRouter)
    .route("/", appAccessRouter)
    .route("/", apiKeysRouter)
    .route("/", adminUsersRouter)
    .route("/", adminIdentitiesRouter)
    .route("/", adminGroupsRouter)
    .route("/", adminAuditRouter)
    .route("/", adminEncryptionRouter)
    .route("/", serviceAccountsRouter);

/** The routes' types under /api/v1, for hono's typed client (`hc<AppType>(".../api/v1")`). */
export type AppType = ReturnType<typeof createApi>;

/** The one app factory: the Worker entry point and every test build the app through it. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ strict: false });
  // Order matters: headers wrap everything; CORS preflights and cross-site writes are answered
  // before bodies are read or storage is bound (docs/browser-security.md).
  app.use("*", assignRequestId, securityHeaders);
  app.use(`${API_PREFIX}/*`, cors, refuseCrossSiteWrites, limitBodies, bindStorage);
  app.onError(handleError);
  app.notFound(createNotFoundHandler(app));

  app.route(API_PREFIX, createApi());
  app.route("/", wellKnownRootRouter);
  registerOpenApi(app);
  return app;
}
