import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../http/create-router";
import { jsonContent } from "../../http/schemas/common";

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

/** Touches no storage: liveness checks and the benchmark's no-op baseline. */
export const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness check",
  responses: { 200: jsonContent(HealthSchema, "The Worker is running") },
});

export const systemRouter = createRouter().openapi(health, (c) => c.json({ status: "ok" as const }, 200));
