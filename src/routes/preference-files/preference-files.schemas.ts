import { z } from "@hono/zod-openapi";
import { booleanQuery } from "../../http/schemas/common";
import { PreferencesViewSchema, SectionQuery } from "../../http/schemas/preferences";

export const ImportQuery = z.object({ dry_run: booleanQuery() });

export const ImportResultSchema = z
  .object({
    dry_run: z.boolean(),
    changes: z.array(
      z.object({ section: SectionQuery, field: z.string(), from: z.unknown(), to: z.unknown() }),
    ),
    preferences: PreferencesViewSchema.optional(),
  })
  .openapi("ImportResult");
