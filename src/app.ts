import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { createRouter } from "./lib/create-router";
import { handleError } from "./lib/error-handler";
import { createNotFoundHandler } from "./lib/not-found";
import { API_PREFIX, registerOpenApi } from "./lib/openapi";
import type { AppEnv } from "./lib/types";
import { bindStorage } from "./middleware/bindings";
import { limitBodies } from "./middleware/body-limits";
import { adminAuditRouter } from "./routes/admin-audit/admin-audit.index";
import { adminEncryptionRouter } from "./routes/admin-encryption/admin-encryption.index";
import { adminGroupsRouter } from "./routes/admin-groups/admin-groups.index";
import { adminUsersRouter } from "./routes/admin-users/admin-users.index";
import { authRouter } from "./routes/auth/auth.index";
import { configRouter } from "./routes/config/config.index";
import { meRouter } from "./routes/me/me.index";
import { oidcRouter } from "./routes/oidc/oidc.index";
import { systemRouter } from "./routes/system/system.index";

/** Resource routers, mounted under /api/v1 in this order. Add new resources here. */
const routers = [
  systemRouter,
  authRouter,
  oidcRouter,
  meRouter,
  configRouter,
  adminUsersRouter,
  adminGroupsRouter,
  adminAuditRouter,
  adminEncryptionRouter,
];

/** The one app factory: the Worker entry point and every test build the app through it. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ strict: false });
  app.use("*", requestId({ headerName: "X-Request-Id" }));
  app.use(`${API_PREFIX}/*`, limitBodies, bindStorage);
  app.onError(handleError);
  app.notFound(createNotFoundHandler(app));

  const api = createRouter();
  for (const router of routers) api.route("/", router);
  app.route(API_PREFIX, api);
  registerOpenApi(app);
  return app;
}
