import { AppError } from "../../core/errors";
import type { GroupPolicy } from "./group-policy";
import type { EffectiveConfig } from "./layering";
import { SECTIONS, type Section } from "./provider-catalog";

const refuse = (detail: string) => new AppError("policy_forbidden", detail);

export interface SectionChoice {
  provider: string;
  model?: string | null;
  base_url?: string | null;
  setsKey: boolean;
}

/** Throws 403 naming the provider, model or setting the group policy does not allow. */
export function assertAllowed(policy: GroupPolicy, section: Section, choice: SectionChoice): void {
  const rules = policy[section];
  if (!rules) return;
  if (rules.allowed_providers && !rules.allowed_providers.includes(choice.provider)) {
    throw refuse(`Your group does not allow the ${section} provider '${choice.provider}'`);
  }
  const models = rules.allowed_models?.[choice.provider];
  if (choice.model && models && !models.includes(choice.model)) {
    throw refuse(`Your group does not allow the ${section} model '${choice.model}' of '${choice.provider}'`);
  }
  if (choice.base_url && rules.allow_custom_base_url === false) {
    throw refuse(`Your group does not allow a custom ${section} base_url`);
  }
  if (choice.setsKey && rules.allow_user_keys === false) {
    throw refuse(`Your group does not allow your own ${section} API keys`);
  }
}

/** The effective configuration must itself be allowed: a user override cannot escape policy. */
export function assertEffectiveAllowed(policy: GroupPolicy, effective: EffectiveConfig): void {
  for (const section of SECTIONS) {
    const provider = effective[section].provider.value;
    if (!provider || effective[section].provider.source !== "user") continue;
    assertAllowed(policy, section, {
      provider,
      model: effective[section].model.value,
      base_url: effective[section].base_url.value,
      setsKey: false,
    });
  }
}

export function isProviderAllowed(policy: GroupPolicy, section: Section, provider: string): boolean {
  const allowed = policy[section]?.allowed_providers;
  return !allowed || allowed.includes(provider);
}
