import { z } from "@hono/zod-openapi";
import { parseStoredJson } from "../../core/stored-json";
import { bySection, CATALOG, findProvider, SECTIONS, type Section } from "./provider-catalog";

/**
 * What a group's members may use, per section. Absent lists mean "no restriction"; an empty
 * `allowed_providers` list means the section is closed to members. `defaults` sit between the
 * system defaults and the user's own choice (see layering in docs/preferences.md).
 */
const SectionPolicySchema = z.strictObject({
  allowed_providers: z.array(z.string().max(64)).max(50).optional(),
  allowed_models: z.record(z.string().max(64), z.array(z.string().max(200)).max(200)).optional(),
  allow_user_keys: z.boolean().optional(),
  allow_custom_base_url: z.boolean().optional(),
  defaults: z
    .strictObject({
      provider: z.string().max(64).optional(),
      model: z.string().max(200).optional(),
      options: z.record(z.string().max(64), z.union([z.string().max(200), z.number()])).optional(),
    })
    .optional(),
});

export type SectionPolicy = z.infer<typeof SectionPolicySchema>;

function checkProviders(section: Section, policy: SectionPolicy, ctx: z.RefinementCtx) {
  const known = CATALOG[section].map((p) => p.id);
  const mention = (id: string, path: (string | number)[]) => {
    if (!findProvider(section, id)) {
      ctx.addIssue({
        code: "custom",
        path: [section, ...path],
        message: `Unknown ${section} provider '${id}' (known: ${known.join(", ")})`,
      });
    }
  };
  for (const [i, id] of (policy.allowed_providers ?? []).entries()) mention(id, ["allowed_providers", i]);
  for (const id of Object.keys(policy.allowed_models ?? {})) mention(id, ["allowed_models", id]);
  if (policy.defaults?.provider) mention(policy.defaults.provider, ["defaults", "provider"]);
}

const GroupPolicyShape = z.strictObject({
  ...bySection(() => SectionPolicySchema.optional()),
  /** Members must have a second factor; until they enrol they can only enrol (docs/mfa.md). */
  require_mfa: z.boolean().optional(),
});

/** Written policies must name known providers; stored ones are read by shape only (below). */
export const GroupPolicySchema = GroupPolicyShape.superRefine((policy, ctx) => {
  for (const section of SECTIONS) {
    const sectionPolicy = policy[section];
    if (sectionPolicy) checkProviders(section, sectionPolicy, ctx);
  }
}).openapi("GroupPolicy");

export type GroupPolicy = z.infer<typeof GroupPolicySchema>;

/**
 * Reads a stored policy by shape only, so a provider later removed from the catalog does not
 * make the group unreadable. A policy that does not parse fails closed (503), never open.
 */
export function parseStoredPolicy(json: string): GroupPolicy {
  return parseStoredJson(
    json,
    GroupPolicyShape,
    "policy_unreadable",
    "The group policy stored for this group is unreadable",
  );
}
