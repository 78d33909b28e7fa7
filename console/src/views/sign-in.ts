import type { Schema } from "../../../client/index";
import { api, errorText, notify } from "../api";
import { field, h, input } from "../dom";
import { secondFactorInput, secondFactorProof } from "../step-up";
import { passkeyFailure, passkeysSupported, usePasskey } from "../webauthn";

type SignedIn = () => Promise<void>;

/** A failed sign-in answer as a sentence, with the lockout's Retry-After when there is one. */
function failure(error: unknown, response: Response): string {
  const retry = response.headers.get("retry-after");
  return `${errorText(error)}${retry ? ` (try again in ${retry} s)` : ""}`;
}

/** Options for a passkey sign-in, then the browser's passkey prompt; null (and a notice) on failure. */
async function passkeyAssertion() {
  const { data: options, error, response } = await api.POST("/api/v1/users/login/passkey/options");
  if (!options) {
    notify(failure(error, response), "error");
    return null;
  }
  try {
    return await usePasskey(options);
  } catch (problem) {
    notify(passkeyFailure(problem), "error");
    return null;
  }
}

/**
 * Sign in: the identity provider (OIDC, back to this page), a passkey, or a local username and
 * password. `mfaChallenge` (an OIDC sign-in that needs the second factor) opens on the second step.
 */
export function renderSignIn(main: HTMLElement, signedIn: SignedIn, mfaChallenge: string | null): void {
  const back = `${location.origin}/console/`;
  const oidc = h(
    "a",
    {
      class: "button",
      href: `/api/v1/users/login?frontend_callback_uri=${encodeURIComponent(back)}`,
    },
    "Sign in with your identity provider",
  );
  const username = input({ name: "username", autocomplete: "username", required: true });
  const password = input({
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const local = h("section", { class: "card" });
  const form = h(
    "form",
    { "aria-labelledby": "local-heading" },
    h("h2", { id: "local-heading" }, "Local account"),
    field("Username", username),
    field("Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  local.append(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data, error, response } = await api.POST("/api/v1/users/login/local", {
      body: { username: username.value, password: password.value },
    });
    if (!data) {
      notify(failure(error, response), "error");
      password.focus();
      return;
    }
    if ("mfa_required" in data) {
      local.replaceChildren(secondStep(data.challenge, data.methods.includes("passkey"), signedIn));
      return;
    }
    notify("Signed in");
    await signedIn();
  });

  const passkey = h(
    "button",
    {
      type: "button",
      onclick: async () => {
        const credential = await passkeyAssertion();
        if (!credential) return;
        const { error, response } = await api.POST("/api/v1/users/login/passkey", { body: { credential } });
        if (error) {
          notify(failure(error, response), "error");
          return;
        }
        notify("Signed in");
        await signedIn();
      },
    },
    "Sign in with a passkey",
  );
  main.append(
    h("section", { class: "card" }, h("h2", {}, "Single sign-on"), h("p", {}, oidc)),
    ...(passkeysSupported()
      ? [
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Passkey"),
            h("p", {}, "Your device's screen lock or a security key; no username needed."),
            passkey,
          ),
        ]
      : []),
    local,
  );
  if (mfaChallenge) local.replaceChildren(secondStep(mfaChallenge, true, signedIn));
}

/** The second step of a sign-in that answered `mfa_required`: a code, a recovery code or a passkey. */
function secondStep(challenge: string, offerPasskey: boolean, signedIn: SignedIn): HTMLElement {
  const code = secondFactorInput();
  const form = h(
    "form",
    { "aria-labelledby": "second-heading" },
    h("h2", { id: "second-heading" }, "Second step"),
    h("p", {}, "Your password was right. Confirm it is you with your second factor."),
    field(
      "Authenticator code or recovery code",
      code,
      "The 6-digit code your authenticator app shows now, or one of your recovery codes",
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, "Continue"),
      offerPasskey &&
        passkeysSupported() &&
        h(
          "button",
          { type: "button", class: "secondary", onclick: () => void withPasskey() },
          "Use a passkey",
        ),
    ),
  );
  async function send(body: ReturnType<typeof secondFactorProof> | { passkey: Schema<"PasskeyAssertion"> }) {
    const { error, response } = await api.POST("/api/v1/users/login/mfa", { body: { challenge, ...body } });
    if (error) {
      notify(failure(error, response), "error");
      code.focus();
      return;
    }
    notify("Signed in");
    await signedIn();
  }
  async function withPasskey(): Promise<void> {
    const passkey = await passkeyAssertion();
    if (passkey) await send({ passkey });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void send(secondFactorProof(code.value));
  });
  notify("Enter your second factor");
  queueMicrotask(() => code.focus());
  return form;
}
