// A real, OpenID-certified provider (npm oidc-provider) for local development and end-to-end
// tests. Its built-in development interactions show a login and a consent page; the accounts
// below are the only ones it knows (the development login form does not check passwords).
import Provider from "oidc-provider";

export const TEST_ACCOUNTS = {
  alice: {
    email: "alice@example.org",
    email_verified: true,
    name: "Alice Example",
    preferred_username: "alice",
  },
  bob: { email: "bob@example.org", email_verified: true, name: "Bob Example", preferred_username: "bob" },
};

/**
 * Starts the provider on 127.0.0.1:`port` with one confidential client whose redirect URIs are
 * `redirectUris`. Resolves to `{ issuer, close }`.
 */
export async function startOidcProvider({ port, clientId, clientSecret, redirectUris }) {
  const issuer = `http://localhost:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = TEST_ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  provider.proxy = false;
  const server = provider.listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}
