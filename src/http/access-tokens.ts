import type { Context } from "hono";
import { readConfig } from "../core/settings";
import {
  type CallerSnapshot,
  type IssuedAccessToken,
  signAccessToken,
  type TokenAudience,
} from "../domain/access-tokens/access-token";
import { type SigningKeys, signingKeys } from "../domain/access-tokens/signing-keys";
import type { SessionRecord } from "../storage/sessions";
import type { AppEnv } from "./app-env";
import { API_PREFIX } from "./openapi";
import { setAccessCookie } from "./session-cookie";

/** `iss` and `aud` of our access tokens: ACCESS_TOKEN_ISSUER, or this origin + /api/v1. */
export function tokenAudience(c: Context<AppEnv>): TokenAudience {
  const config = readConfig(c.env);
  const issuer = config.accessTokenIssuer ?? `${new URL(c.req.url).origin}${API_PREFIX}`;
  return { issuer, audience: issuer, ttlSeconds: config.accessTokenTtlSeconds };
}

/** The signing keys, or null when ACCESS_TOKEN_JWKS is missing or malformed (shortcut off). */
export async function optionalSigningKeys(c: Context<AppEnv>): Promise<SigningKeys | null> {
  try {
    return await signingKeys(c.env.ACCESS_TOKEN_JWKS);
  } catch {
    return null;
  }
}

export interface AccessTokenSubject {
  user: CallerSnapshot;
  sessionId: string;
  session: SessionRecord;
}

export function issueAccessToken(
  c: Context<AppEnv>,
  keys: SigningKeys,
  subject: AccessTokenSubject,
): Promise<IssuedAccessToken> {
  return signAccessToken(keys, tokenAudience(c), {
    sessionId: subject.sessionId,
    epoch: subject.session.epoch,
    authTime: Math.floor(Date.parse(subject.session.createdAt) / 1000),
    user: subject.user,
  });
}

/**
 * A fresh access cookie for a browser (session cookie) client, in access-token mode only and when
 * keys are configured: set at sign-in and whenever a strict check passed without a valid one.
 */
export async function setFreshAccessCookie(c: Context<AppEnv>, subject: AccessTokenSubject) {
  if (readConfig(c.env).authMode !== "access-token") return;
  const keys = await optionalSigningKeys(c);
  if (!keys) return;
  const issued = await issueAccessToken(c, keys, subject);
  setAccessCookie(c, issued.token, tokenAudience(c).ttlSeconds);
}
