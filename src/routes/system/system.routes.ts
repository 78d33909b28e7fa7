import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonContent, noSecurity } from "../../http/schemas/common";
import { HealthSchema } from "./system.schemas";

/** Touches no storage: liveness checks and the benchmark's no-op baseline. */
export const health = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness check",
  security: noSecurity,
  responses: {
    200: jsonContent(HealthSchema, "The Worker is running"),
    ...errorResponses({ auth: "public" }),
  },
});
