import type { Context } from "hono";
import { AppError } from "../core/errors";
import type { AppEnv, AppOpenAPI } from "./app-env";
import { sendError } from "./error-handler";

/**
 * Unknown paths get 404; a known path with an unsupported method gets 405 with `Allow`, which
 * hono alone does not distinguish. Route patterns are compiled once per app.
 */
export function createNotFoundHandler(app: AppOpenAPI) {
  let patterns: { method: string; regex: RegExp }[] | undefined;
  const compile = () =>
    app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        regex: new RegExp(
          `^${r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+")}/?$`,
        ),
      }));
  return (c: Context<AppEnv>) => {
    patterns ??= compile();
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(c.req.path)).map((p) => p.method))];
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      return sendError(c, new AppError("method_not_allowed", `Method ${c.req.method} is not allowed here`));
    }
    return sendError(c, new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`));
  };
}
