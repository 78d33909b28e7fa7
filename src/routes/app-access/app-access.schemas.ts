import { z } from "@hono/zod-openapi";
import { OptionsSchema } from "../../domain/preferences/preference-schemas";
import { SectionQuery } from "../../http/schemas/preferences";

const uid = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "uid", in: "path" } });
/**
 * `llm`, `tts` or `stt`, checked by the handler (sectionOf) so that a broken body is reported before
 * a wrong section, as on every other route with a body.
 */
const section = z
  .string()
  .min(1)
  .max(16)
  .openapi({ param: { name: "section", in: "path" }, description: "`llm`, `tts` or `stt`", example: "llm" });

export const ResolvedQuery = z.object({ section: SectionQuery });
export const ResolvedParams = z.object({ uid });
export const MyClientTokenParams = z.object({ section });
export const UserClientTokenParams = z.object({ uid, section });

export const ResolvedConfigSchema = z
  .object({
    user_id: z.string(),
    section: SectionQuery,
    provider: z.string().nullable(),
    model: z.string().nullable(),
    base_url: z
      .string()
      .nullable()
      .openapi({ description: "Where to send requests (the catalog default when unset)." }),
    options: OptionsSchema,
    api_key: z
      .string()
      .nullable()
      .openapi({
        description:
          "The user's decrypted provider key: only when the group policy allows user keys and the key was saved " +
          "for this base_url; else null. Treat as a secret: never log it.",
      }),
    blocked: z.array(
      z.object({
        field: z.enum(["provider", "model", "base_url", "api_key"]),
        value: z.string(),
        layer: z.enum(["system", "group", "user"]),
        reason: z.string(),
      }),
    ),
  })
  .openapi("ResolvedConfig");

export const ClientTokenRequestSchema = z
  .strictObject({
    model: z.string().min(1).max(200).optional().openapi({
      description: "Overrides the effective model (checked against the group policy), e.g. a realtime model.",
    }),
    ttl_seconds: z.number().int().min(1).max(7200).optional().openapi({
      description:
        "Lifetime within the provider's bounds (OpenAI 10–7200, Deepgram 1–3600, AssemblyAI 1–600).",
    }),
  })
  .openapi("ClientTokenRequest");

export const ClientTokenSchema = z
  .object({
    section: SectionQuery,
    provider: z.string(),
    token: z
      .string()
      .openapi({ description: "The provider's short-lived credential (never the stored key)." }),
    expires_at: z.string(),
    single_use: z.boolean(),
    usage: z.string().openapi({ description: "How the browser presents the credential to the provider." }),
  })
  .openapi("ClientToken");
