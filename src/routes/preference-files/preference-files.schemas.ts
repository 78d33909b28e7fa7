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

/**
 * The upload, as documented (the handler reads and checks it itself, with the 415/400 answers
 * in the catalog, so this schema accepts whatever the form holds).
 */
export const ImportUploadSchema = z
  .object({
    file: z.unknown().openapi({
      type: "string",
      format: "binary",
      description: "The YAML document (as exported), at most 256 KiB",
    }),
  })
  .openapi("ImportUpload");
