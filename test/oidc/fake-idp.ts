import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { vi } from "vitest";
import { BASE, viaWorker } from "../helpers";
import { type Authorize, OidcBrowser } from "../oidc-driver";

/**
 * An OpenID provider of our own, faked at the HTTP boundary (global fetch), that can be told to
 * misbehave: wrong audience or issuer, bad signature, `alg: none`, expired token, missing or wrong
 * nonce. The real round trip against npm `oidc-provider` is in test/e2e; both drive the flow with
 * test/oidc-driver.ts.
 */
export const ISSUER = "https://idp.example.com";
export const CLIENT_ID = "edge-users-test";

export interface Tamper {
  /** Sign with the second key under kid k2, and publish it: a key rotation. */
  rotated?: boolean;
  aud?: string;
  iss?: string;
  nonce?: string | null;
  expiresIn?: number;
  signWithOtherKey?: boolean;
  algNone?: boolean;
  sub?: string;
  email?: string;
  name?: string;
  /** Seconds added to `iat` (a token "issued" in the future when positive). */
  iatOffset?: number;
  /** How long ago the provider authenticated the user (`auth_time`); null leaves the claim out. */
  authTimeAgo?: number | null;
  /** Authentication methods the provider reports (RFC 8176), e.g. ["pwd", "otp"]. */
  amr?: string[];
}

// One key set per test isolate: the Worker caches the provider's JWKS, like any relying party.
const keys = (async () => {
  const signing = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  return { privateKey: signing.privateKey, other, signingPublic: await exportJWK(signing.publicKey) };
})();

export async function startFakeIdp(options: { advertiseIssParameter?: boolean } = {}) {
  const { privateKey, other, signingPublic } = await keys;
  const rotated = { kid: "k2", publicJwk: await exportJWK(other.publicKey) };
  const tamper: Tamper = {};
  const tokenRequests: { body: string; authorization: string | null }[] = [];
  const state = { nonce: "", tamper, tokenRequests, jwksFetches: 0 };

  const jwks = () => ({
    keys: [
      { ...signingPublic, kid: "k1", alg: "RS256", use: "sig" },
      ...(state.tamper.rotated ? [{ ...rotated.publicJwk, kid: rotated.kid, alg: "RS256", use: "sig" }] : []),
    ],
  });
  const discovery = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: options.advertiseIssParameter ?? false,
  };

  async function idToken(): Promise<string> {
    const t = state.tamper;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sub: t.sub ?? "alice-subject",
      email: t.email ?? "alice@example.org",
      email_verified: true,
      name: t.name ?? "Alice Example",
      preferred_username: "alice",
    };
    if (t.nonce !== null) claims.nonce = t.nonce ?? state.nonce;
    if (t.authTimeAgo !== null) claims.auth_time = now - (t.authTimeAgo ?? 0);
    if (t.amr) claims.amr = t.amr;
    if (t.algNone) {
      const enc = (v: unknown) =>
        btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
      return `${enc({ alg: "none" })}.${enc({ ...claims, iss: ISSUER, aud: CLIENT_ID, iat: now, exp: now + 300 })}.`;
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: t.rotated ? "k2" : "k1" })
      .setIssuer(t.iss ?? ISSUER)
      .setAudience(t.aud ?? CLIENT_ID)
      .setIssuedAt(now - (t.expiresIn !== undefined && t.expiresIn < 0 ? 600 : 0) + (t.iatOffset ?? 0))
      .setExpirationTime(now + (t.expiresIn ?? 300))
      .sign(t.signWithOtherKey || t.rotated ? other.privateKey : privateKey);
  }

  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (url.href === `${ISSUER}/.well-known/openid-configuration`) return json(discovery);
    if (url.href === `${ISSUER}/jwks`) {
      state.jwksFetches += 1;
      return json(jwks());
    }
    if (url.href === `${ISSUER}/token`) {
      state.tokenRequests.push({
        body: await request.text(),
        authorization: request.headers.get("authorization"),
      });
      return json({ access_token: "at", token_type: "Bearer", expires_in: 300, id_token: await idToken() });
    }
    return new Response("not found", { status: 404 });
  });
  /**
   * The provider's answer to an authorization request: `params` (by default a code) and the state,
   * with the request's nonce remembered for the ID token.
   */
  const respond =
    (params: Record<string, string> = { code: "the-code" }): Authorize =>
    async (authorization) => {
      state.nonce = authorization.searchParams.get("nonce") ?? "";
      return new URLSearchParams({ ...params, state: authorization.searchParams.get("state") ?? "" });
    };
  return Object.assign(state, { respond, approve: respond() });
}

/** A fresh browser (empty cookie jar) that reaches the Worker through its fetch handler. */
export const newBrowser = () => new OidcBrowser(BASE, viaWorker);
