import type { Context } from "hono";
import { looksLikeJwt, verifyAccessToken } from "../../domain/access-tokens/access-token";
import { optionalSigningKeys, tokenAudience } from "../access-tokens";
import type { AppEnv } from "../app-env";
import { readAccessCookie, readBearer } from "../session-cookie";
import type { PresentedCredential } from "./presented";

/**
 * Credential kind 1: a signed access token, as `Authorization: Bearer <jwt>` or, when there is no
 * Authorization header, as the access cookie. Verified locally (signature, typ, iss, aud, exp):
 * no storage. Null when absent, invalid or expired, or when no keys are configured.
 */
export async function presentedAccessToken(c: Context<AppEnv>): Promise<PresentedCredential | null> {
  const hasHeader = c.req.header("authorization") !== undefined;
  const token = hasHeader ? readBearer(c) : readAccessCookie(c);
  if (!token || !looksLikeJwt(token)) return null;
  const keys = await optionalSigningKeys(c);
  if (!keys) return null;
  const claims = await verifyAccessToken(keys, tokenAudience(c), token);
  if (!claims) return null;
  return {
    kind: "access-token",
    userId: claims.user.id,
    sessionId: claims.sessionId,
    epoch: claims.epoch,
    claims,
    fromCookie: !hasHeader,
  };
}
