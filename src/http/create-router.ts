import { OpenAPIHono } from "@hono/zod-openapi";
import { zodIssuesToDetail } from "../core/errors";
import type { AppEnv } from "./app-env";

/** Every resource router comes from here, so all share the same validation error shape. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result, c) => {
      if (!result.success) {
        const target = result.target === "json" || result.target === "form" ? "body" : result.target;
        return c.json({ detail: zodIssuesToDetail(result.error, target) }, 422);
      }
    },
  });
}
