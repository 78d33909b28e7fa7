// `npm run dev` starts this: a local OpenID provider on http://localhost:9000 for clicking through
// OIDC sign-in. Sign in as `alice` or `bob` (any password). Client id and secret match
// wrangler.toml's OIDC_CLIENT_ID and .dev.vars.example's OIDC_CLIENT_SECRET.
import { startOidcProvider } from "./oidc-provider-server.mjs";

const port = Number(process.env.OIDC_DEV_PORT ?? 9000);
const { issuer } = await startOidcProvider({
  port,
  clientId: "edge-users-dev",
  clientSecret: "dev-client-secret",
  redirectUris: ["http://localhost:8787/api/v1/users/login/callback"],
});
console.log(`Local OpenID provider at ${issuer} (users: alice, bob; any password)`);
