import type { ServiceConfig } from "../../core/settings";

/**
 * An OIDC sign-in and our second factor. A deployment may trust the provider's own proof of a
 * second factor: its ID token's `amr` holding one of OIDC_MFA_AMR, or its `acr` being one of
 * OIDC_MFA_ACR. Otherwise a user who has a second factor here is asked for it after the callback.
 */
export function providerAmr(claims: Record<string, unknown>): string[] {
  const amr = claims.amr;
  const values = Array.isArray(amr) ? amr.filter((v): v is string => typeof v === "string").slice(0, 10) : [];
  return values.length > 0 ? values.map((v) => v.slice(0, 32)) : ["ext"];
}

export function providerProvedSecondFactor(claims: Record<string, unknown>, config: ServiceConfig): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  if (amr.some((value) => typeof value === "string" && config.oidcMfaAmr.includes(value))) return true;
  return typeof claims.acr === "string" && config.oidcMfaAcr.includes(claims.acr);
}
