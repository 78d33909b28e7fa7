import { AppError } from "../../core/errors";
import type { GroupPolicy } from "./group-policy";
import type { Section } from "./provider-catalog";

/**
 * The group policy's rules, each in one place, applied both when preferences are written (a
 * refusal is 403) and when they are read or used (a refused value is reported as blocked and the
 * next allowed layer applies; see layering.ts). Each rule answers why it refuses, or null.
 */
export type PolicyField = "provider" | "model" | "base_url" | "api_key";

export const policyRules = {
  provider: (policy: GroupPolicy, section: Section, provider: string) => {
    const allowed = policy[section]?.allowed_providers;
    return allowed && !allowed.includes(provider)
      ? `Your group does not allow the ${section} provider '${provider}'`
      : null;
  },
  model: (policy: GroupPolicy, section: Section, provider: string, model: string) => {
    const models = policy[section]?.allowed_models?.[provider];
    return models && !models.includes(model)
      ? `Your group does not allow the ${section} model '${model}' of '${provider}'`
      : null;
  },
  base_url: (policy: GroupPolicy, section: Section) =>
    policy[section]?.allow_custom_base_url === false
      ? `Your group does not allow a custom ${section} base_url`
      : null,
  api_key: (policy: GroupPolicy, section: Section) =>
    policy[section]?.allow_user_keys === false
      ? `Your group does not allow your own ${section} API keys`
      : null,
} as const;

export interface SectionChoice {
  provider: string;
  model?: string | null;
  base_url?: string | null;
  /** The user's own key would be sent (given now, or stored). */
  usesKey: boolean;
}

/** The first rule the choice breaks, as [field, reason], or null when the policy allows it all. */
export function firstPolicyBreach(
  policy: GroupPolicy,
  section: Section,
  choice: SectionChoice,
): [PolicyField, string] | null {
  const checks: [PolicyField, string | null][] = [
    ["provider", policyRules.provider(policy, section, choice.provider)],
    ["model", choice.model ? policyRules.model(policy, section, choice.provider, choice.model) : null],
    ["base_url", choice.base_url ? policyRules.base_url(policy, section) : null],
    ["api_key", choice.usesKey ? policyRules.api_key(policy, section) : null],
  ];
  const breach = checks.find(([, reason]) => reason !== null);
  return breach?.[1] ? [breach[0], breach[1]] : null;
}

/** Throws 403 naming the provider, model or setting the group policy does not allow. */
export function assertAllowed(policy: GroupPolicy, section: Section, choice: SectionChoice): void {
  const breach = firstPolicyBreach(policy, section, choice);
  if (breach) throw new AppError("policy_forbidden", breach[1]);
}

export const isProviderAllowed = (policy: GroupPolicy, section: Section, provider: string) =>
  policyRules.provider(policy, section, provider) === null;
