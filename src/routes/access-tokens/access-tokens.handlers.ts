import { AppError } from "../../core/errors";
import { signingKeys } from "../../domain/access-tokens/signing-keys";
import { issueAccessToken, tokenAudience } from "../../http/access-tokens";
import type { AppRouteHandler } from "../../http/app-env";
import { callerSession, snapshotOf } from "../../http/authenticate";
import type { getDiscovery, getJwks, issueToken } from "./access-tokens.routes";

const PUBLIC_CACHE = "public, max-age=300";

async function requiredKeys(raw: string | undefined) {
  const keys = await signingKeys(raw);
  if (!keys) throw new AppError("access_tokens_not_configured", "ACCESS_TOKEN_JWKS is not set");
  return keys;
}

export const issueTokenHandler: AppRouteHandler<typeof issueToken> = async (c) => {
  const keys = await requiredKeys(c.env.ACCESS_TOKEN_JWKS);
  const { user } = c.var.auth;
  const { sessionId, session } = callerSession(c);
  const issued = await issueAccessToken(c, keys, { user: snapshotOf(user), sessionId, session });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      access_token: issued.token,
      token_type: "Bearer" as const,
      expires_in: issued.expiresAt - Math.floor(Date.now() / 1000),
    },
    200,
  );
};

export const getJwksHandler: AppRouteHandler<typeof getJwks> = async (c) => {
  const keys = await requiredKeys(c.env.ACCESS_TOKEN_JWKS);
  c.header("Cache-Control", PUBLIC_CACHE);
  return c.json(
    {
      keys: keys.publicJwks.keys.map((k) => ({
        kty: "EC" as const,
        crv: "P-256" as const,
        x: k.x ?? "",
        y: k.y ?? "",
        kid: k.kid ?? "",
        alg: "ES256" as const,
        use: "sig" as const,
      })),
    },
    200,
  );
};

export const getDiscoveryHandler: AppRouteHandler<typeof getDiscovery> = (c) => {
  const { issuer } = tokenAudience(c);
  c.header("Cache-Control", PUBLIC_CACHE);
  return c.json(
    { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, subject_types_supported: ["public"] },
    200,
  );
};
