// Step-up: sensitive actions answer 401 `reauthentication_required` when this session last proved
// who the user is too long ago (STEP_UP_MAX_AGE_SECONDS). The console then asks for the password
// (and the second factor, when the user has one) or for one of the user's passkeys, calls
// POST /users/me/reauthenticate, and retries.
import type { Schema } from "../../client/index";
import { api, errorCode, errorText } from "./api";
import { field, h, input, modal } from "./dom";
import { state } from "./state";
import { passkeyFailure, passkeysSupported, usePasskey } from "./webauthn";

/** What a person typed in a "code or recovery code" field, as the API wants it. */
export function secondFactorProof(typed: string): { code: string } | { recovery_code: string } {
  const value = typed.replace(/\s+/g, "");
  return /^\d{6}$/.test(value) ? { code: value } : { recovery_code: value };
}

/** A field for a TOTP code or a recovery code (one field: the API tells them apart by shape). */
export function secondFactorInput(): HTMLInputElement {
  return input({ name: "second_factor", autocomplete: "one-time-code", spellcheck: false, required: true });
}

/**
 * Runs `call`; when it answers `reauthentication_required`, asks the user to confirm who they are
 * and runs it once more. Any other answer (and a cancelled prompt) is returned as it is.
 */
export async function withStepUp<R extends { error?: unknown }>(call: () => Promise<R>): Promise<R> {
  const first = await call();
  if (errorCode(first.error) !== "reauthentication_required") return first;
  return (await reauthenticate()) ? call() : first;
}

/** Asks in a modal dialog (Escape or Cancel: no); true once POST /users/me/reauthenticate accepted. */
async function reauthenticate(): Promise<boolean> {
  // /users/me/mfa reads D1, so a factor added a moment ago is known here.
  const { data: mfa } = await api.GET("/api/v1/users/me/mfa");
  const hasPassword = state.me?.identity_source === "LOCAL";
  // With a second factor the API wants a code too; a user whose only second factors are passkeys
  // has no code to send, so for them the password path is closed (the passkey one stays open).
  const needsCode = !!mfa?.mfa_enabled;
  const hasCode = needsCode && !!mfa?.methods.some((m) => m === "totp" || m === "recovery_code");
  const canUsePassword = needsCode ? hasCode : hasPassword;
  // A passkey with user verification is a proof by itself, so any account with one (OIDC-only
  // accounts too) can step up with it alone.
  const canUsePasskey = !!mfa && mfa.passkeys > 0 && passkeysSupported();
  const password = input({
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const code = secondFactorInput();
  const problem = h("p", { class: "error", role: "status" });
  const confirm = h("button", { type: "submit" }, "Confirm");
  const passkey = h(
    "button",
    // The password path's Confirm stays the primary button where there is one.
    { type: "button", class: canUsePassword ? "secondary" : null },
    "Use a passkey",
  );
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  const form = h(
    "form",
    {},
    h("h2", { id: "reauth-title" }, "Confirm it is you"),
    h(
      "p",
      {},
      canUsePassword
        ? "This change needs a recent sign-in."
        : canUsePasskey
          ? "This change needs a recent sign-in: confirm with one of your passkeys."
          : "This change needs a recent sign-in: sign out and sign in again, then retry.",
    ),
    canUsePassword && hasPassword && field("Password", password),
    hasCode &&
      field(
        "Authenticator code or recovery code",
        code,
        "The 6-digit code your app shows now, or one recovery code",
      ),
    problem,
    h("div", { class: "actions" }, canUsePassword && confirm, canUsePasskey && passkey, cancel),
  );
  const { dialog, closed } = modal("reauth-title", form);
  let confirmed = false;
  const busy = (yes: boolean) => {
    confirm.disabled = yes;
    passkey.disabled = yes;
  };
  const refused = (message: string, focus: HTMLElement) => {
    busy(false);
    problem.textContent = message;
    focus.focus();
  };
  cancel.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    busy(true);
    const { error } = await api.POST("/api/v1/users/me/reauthenticate", {
      body: {
        ...(hasPassword ? { password: password.value } : {}),
        ...(hasCode ? secondFactorProof(code.value) : {}),
      },
    });
    if (error) {
      refused(errorText(error), hasPassword && errorCode(error) !== "invalid_mfa_code" ? password : code);
      return;
    }
    confirmed = true;
    dialog.close();
  });
  passkey.addEventListener("click", async () => {
    busy(true);
    problem.textContent = "";
    // A fresh challenge each time: it is single-use, issued to this user and bound to this browser.
    const { data: options, error } = await api.POST("/api/v1/users/me/reauthenticate/passkey/options");
    if (!options) {
      refused(errorText(error), passkey);
      return;
    }
    let assertion: Schema<"PasskeyAssertion">;
    try {
      assertion = await usePasskey(options);
    } catch (failure) {
      refused(passkeyFailure(failure), passkey);
      return;
    }
    // Sent alone: the API refuses a passkey together with a password or a code.
    const { error: refusal } = await api.POST("/api/v1/users/me/reauthenticate", {
      body: { passkey: assertion },
    });
    if (refusal) {
      refused(errorText(refusal), passkey);
      return;
    }
    confirmed = true;
    dialog.close();
  });
  await closed;
  return confirmed;
}
