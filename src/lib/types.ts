import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { Database } from "../db/client";
import type { AuthContext } from "../domain/sessions/session-types";

/** Per-request values set by middleware; handlers read them with `c.get(...)` / `c.var`. */
export interface AppVariables {
  requestId: string;
  /** Drizzle over the request's (instrumented) D1 binding. */
  db: Database;
  /** The request's (instrumented) KV binding. */
  kv: KVNamespace;
  /** Set by the `requireUser` / `requireAdmin` middleware. */
  auth: AuthContext;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

export type AppOpenAPI = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
