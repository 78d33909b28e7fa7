import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { ensureBootstrapAdmin } from "../domain/bootstrap-admin";
import type { AppEnv } from "../lib/types";

/** Builds the request's storage handles once, and makes sure the first administrator exists. */
export const bindStorage = createMiddleware<AppEnv>(async (c, next) => {
  const db = createDb(c.env.DB);
  c.set("db", db);
  c.set("kv", c.env.KV);
  await ensureBootstrapAdmin(c.env, db);
  await next();
});
