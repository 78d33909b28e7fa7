import { createMiddleware } from "hono/factory";
import type { UserScope } from "../../domain/credentials/api-key-tokens";
import type { AppEnv } from "../app-env";
import { requireUser } from "../authenticate";

/**
 * Route middleware: `requireUser`, and the scope a personal API key needs to call this route. A
 * session has every scope; a route without `requireScope` refuses API keys (see api-key.ts).
 */
export const requireScope = (scope: UserScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("requiredScope", scope);
    await requireUser(c, next);
  });
