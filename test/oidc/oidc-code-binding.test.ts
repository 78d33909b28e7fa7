import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, bodyAt, call } from "../helpers";
import { readSessionRecord } from "../seed";
import { startFakeIdp } from "./fake-idp";
import { cookieOf, FRONTEND_ORIGIN, finishFlow, landing, pkcePair, startFlow } from "./flow";

/**
 * Issue #10, finding 2 (login CSRF): a one-time login code is bound to the browser that started
 * sign-in through a PKCE-style challenge, so a code issued to one browser cannot sign another in.
 */
let idp: Awaited<ReturnType<typeof startFakeIdp>>;
beforeEach(async () => {
  idp = await startFakeIdp();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function codeFor(challenge: string, frontend?: string) {
  const query: Record<string, string> = { code_challenge: challenge };
  if (frontend) query.frontend_callback_uri = frontend;
  const { state, binding } = await startFlow(idp, { query });
  const res = await finishFlow(state, binding);
  return { res, code: landing(res).searchParams.get("login_code") };
}

const exchange = (body: unknown, headers: Record<string, string> = {}) =>
  call("/users/login/exchange", { method: "POST", json: body, headers: headers });

describe("POST /users/login/exchange", () => {
  it("refuses a code presented with another verifier, even from the frontend's origin and with no Origin", async () => {
    const victim = await pkcePair();
    const attacker = await pkcePair();
    const { code } = await codeFor(victim.challenge);
    const withAndWithoutOrigin: Record<string, string>[] = [{ origin: FRONTEND_ORIGIN }, {}];
    for (const headers of withAndWithoutOrigin) {
      const res = await exchange({ code, code_verifier: attacker.verifier }, headers);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_login_code" });
    }
  });

  it("spends the code on a wrong verifier: the right one cannot redeem it afterwards", async () => {
    const pair = await pkcePair();
    const other = await pkcePair();
    const { code } = await codeFor(pair.challenge);
    expect((await exchange({ code, code_verifier: other.verifier })).status).toBe(400);
    expect((await exchange({ code, code_verifier: pair.verifier })).status).toBe(400);
  });

  it("requires the verifier (422 without it)", async () => {
    const pair = await pkcePair();
    const { code } = await codeFor(pair.challenge);
    expect((await exchange({ code }, { origin: FRONTEND_ORIGIN })).status).toBe(422);
  });

  it("answers a token only, whose session carries the time the user signed in at the provider", async () => {
    const pair = await pkcePair();
    const { code } = await codeFor(pair.challenge);
    const res = await api.users.login.exchange.$post({
      json: { code: code ?? "", code_verifier: pair.verifier },
    });
    expect(res.headers.getSetCookie()).toEqual([]);
    const { token } = await bodyAt(res, 200);
    const record = await readSessionRecord(token);
    expect(record?.amr).toEqual(["oidc"]);
    expect(Date.parse(record?.authTime ?? "")).toBeLessThanOrEqual(Date.parse(record?.createdAt ?? ""));
  });
});

describe("GET /users/login with code_challenge", () => {
  it("issues no code to a frontend on the Worker's own origin: the cookie session only", async () => {
    const pair = await pkcePair();
    const { res, code } = await codeFor(pair.challenge, "http://localhost:8787/app");
    expect(code).toBeNull();
    expect(cookieOf(res, "session")).toMatch(/^session=/);
  });

  it("refuses a malformed code_challenge with 422 before anything is stored", async () => {
    const { res } = await startFlow(idp, { query: { code_challenge: "plain-text-not-s256" } });
    expect(res.status).toBe(422);
    expect(res.headers.get("location")).toBeNull();
  });
});
