import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addVirtualAuthenticator, launchChromium } from "./chromium";
import { type RunningWorker, startWorker } from "./worker-process";

/**
 * Passkeys in a real browser: Debian's Chromium with its virtual authenticator (Chrome DevTools
 * Protocol `WebAuthn` domain, through playwright-core's CDP session) against `wrangler dev`. The
 * page calls navigator.credentials.create / .get itself, so the bytes the server verifies are the
 * browser's own. http://localhost is a secure context, so WebAuthn works without TLS; the relying
 * party is derived from the request's origin (development).
 */
let worker: RunningWorker;

/** base64url ⇄ bytes inside the page (plain JavaScript: it runs in Chromium, not here). */
const IN_PAGE_BASE64URL = `
  const toBytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
  const toB64url = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer))).split("+").join("-").split("/").join("_").replace(/=*$/, "");
`;
const ADMIN = { username: "admin", password: "e2e-admin-password-long" };

beforeAll(async () => {
  worker = await startWorker({
    BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    // The relying party is derived from the request origin only in development (docs/mfa.md).
    ENVIRONMENT: "development",
  });
});

afterAll(async () => {
  await worker?.stop();
});

describe("passkeys in a real browser (Chromium virtual authenticator)", () => {
  it("registers a passkey, signs out, and signs in with it without typing a username", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // A same-origin HTML page (the static index): API answers carry `default-src 'none'`, so a
      // page opened on one of them could not fetch at all.
      await page.goto(`${worker.url}/`);
      const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

      const registered: unknown = await page.evaluate(`(async (admin) => {
        ${IN_PAGE_BASE64URL}
        const post = (path, body) =>
          fetch(\`/api/v1/users\${path}\`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        const signedIn = await post("/login/local", admin);
        if (signedIn.status !== 200) return { step: "login", status: signedIn.status };
        const options = await post("/me/passkeys/options", {});
        if (options.status !== 200) return { step: "options", status: options.status };
        const o = await options.json();
        const credential = await navigator.credentials.create({
          publicKey: {
            challenge: toBytes(o.challenge),
            rp: o.rp,
            user: { id: toBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
            pubKeyCredParams: o.pubKeyCredParams,
            timeout: o.timeout,
            attestation: o.attestation,
            authenticatorSelection: o.authenticatorSelection,
            excludeCredentials: [],
          },
        });
                const response = credential.response;
                const saved = await post("/me/passkeys", {
          name: "Virtual authenticator",
          credential: {
            id: credential.id,
            type: "public-key",
            response: {
              clientDataJSON: toB64url(response.clientDataJSON),
              attestationObject: toB64url(response.attestationObject),
            },
          },
        });
        const logout = await post("/logout", {});
        const after = await fetch("/api/v1/users/me");
        return {
          step: "done",
          status: saved.status,
          body: await saved.json(),
          logout: logout.status,
          me: after.status,
        };
      })(${JSON.stringify(ADMIN)})`);
      expect(registered).toMatchObject({
        step: "done",
        status: 201,
        body: { name: "Virtual authenticator" },
        logout: 200,
        me: 401,
      });
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]?.isResidentCredential).toBe(true);

      const signedIn: unknown = await page.evaluate(`(async () => {
        ${IN_PAGE_BASE64URL}
        const options = await fetch("/api/v1/users/login/passkey/options", { method: "POST" });
        const o = await options.json();
        // Discoverable: no allowCredentials, no username.
        const assertion = await navigator.credentials.get({
          publicKey: {
            challenge: toBytes(o.challenge),
            rpId: o.rpId,
            userVerification: "required",
            timeout: o.timeout,
          },
        });
                const response = assertion.response;
                const res = await fetch("/api/v1/users/login/passkey", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            credential: {
              id: assertion.id,
              type: "public-key",
              response: {
                clientDataJSON: toB64url(response.clientDataJSON),
                authenticatorData: toB64url(response.authenticatorData),
                signature: toB64url(response.signature),
                userHandle: response.userHandle ? toB64url(response.userHandle) : null,
              },
            },
          }),
        });
        const me = await fetch("/api/v1/users/me");
        return { status: res.status, me: me.status, user: await me.json() };
      })()`);
      expect(signedIn).toMatchObject({ status: 200, me: 200, user: { username: ADMIN.username } });
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === "session")).toMatchObject({ httpOnly: true });
      // The browser-binding cookie is consumed with its challenge.
      expect(cookies.find((c) => c.name === "webauthn_binding")).toBeUndefined();
    } finally {
      await browser.close();
    }
  });
});
