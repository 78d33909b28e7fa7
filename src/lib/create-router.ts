import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { ValidationIssue } from "./errors";
import type { AppEnv } from "./types";

/** zod issues → the `{"detail":[{"loc","msg","type"}]}` shape clients of the original API parse. */
export function zodIssuesToDetail(error: ZodError, target: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    loc: [target, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }));
}

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
