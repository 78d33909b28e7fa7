import { createMiddleware } from "hono/factory";
import type { UserScope } from "../../domain/credentials/api-key-tokens";
import type { AppEnv } from "../app-env";
import { requireReader, requireUser } from "../authenticate";
import { scopedSecurity } from "../schemas/common";

/**
 * Route middleware: `requireUser`, and the scope a personal API key needs to call this route. A
 * session has every scope; a route without `requireScope` refuses API keys (see api-key.ts).
 */
export const requireScope = (scope: UserScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("requiredScope", scope);
    await requireUser(c, next);
  });

/** A route's `security` and `middleware` for `scope`: a session, or a personal API key holding it. */
export const scopedRoute = (scope: UserScope) => ({
  security: scopedSecurity(scope),
  middleware: requireScope(scope),
});

/** `scopedRoute` for reads an access token may answer without storage (`requireReader`). */
export const scopedReaderRoute = (scope: UserScope) => ({
  security: scopedSecurity(scope),
  middleware: createMiddleware<AppEnv>(async (c, next) => {
    c.set("requiredScope", scope);
    await requireReader(c, next);
  }),
});
