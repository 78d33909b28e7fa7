// Step-up: sensitive actions answer 401 `reauthentication_required` when this session last proved
// who the user is too long ago (STEP_UP_MAX_AGE_SECONDS). The console then asks for the password
// (and the second factor, when the user has one), calls POST /users/me/reauthenticate, and retries.
import { api, errorCode, errorText } from "./api";
import { field, h, input } from "./dom";
import { state } from "./state";

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

/** A modal dialog (native <dialog>: focus is kept inside and returns afterwards; Escape cancels). */
async function reauthenticate(): Promise<boolean> {
  // /users/me/mfa reads D1, so a factor added a moment ago is known here.
  const { data: mfa } = await api.GET("/api/v1/users/me/mfa");
  const hasPassword = state.me?.identity_source === "LOCAL";
  // With a second factor the API wants a code too; re-authentication takes no passkey yet, so a
  // user whose only factors are passkeys signs in again instead.
  const needsCode = !!mfa?.mfa_enabled;
  const hasCode = needsCode && !!mfa?.methods.some((m) => m === "totp" || m === "recovery_code");
  const password = input({
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const code = secondFactorInput();
  const problem = h("p", { class: "error", role: "status" });
  const confirm = h("button", { type: "submit" }, "Confirm");
  const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
  const canConfirm = needsCode ? hasCode : hasPassword;
  const form = h(
    "form",
    {},
    h("h2", { id: "reauth-title" }, "Confirm it is you"),
    h(
      "p",
      {},
      canConfirm
        ? "This change needs a recent sign-in."
        : "This change needs a recent sign-in: sign out and sign in again, then retry.",
    ),
    canConfirm && hasPassword && field("Password", password),
    hasCode &&
      field(
        "Authenticator code or recovery code",
        code,
        "The 6-digit code your app shows now, or one recovery code",
      ),
    problem,
    h("div", { class: "actions" }, canConfirm && confirm, cancel),
  );
  const dialog = h("dialog", { "aria-labelledby": "reauth-title" }, form);
  document.body.append(dialog);
  let confirmed = false;
  const closed = new Promise<boolean>((resolve) =>
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    }),
  );
  cancel.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    const { error } = await api.POST("/api/v1/users/me/reauthenticate", {
      body: {
        ...(hasPassword ? { password: password.value } : {}),
        ...(hasCode ? secondFactorProof(code.value) : {}),
      },
    });
    confirm.disabled = false;
    if (error) {
      problem.textContent = errorText(error);
      (hasPassword && errorCode(error) !== "invalid_mfa_code" ? password : code).focus();
      return;
    }
    confirmed = true;
    dialog.close();
  });
  dialog.showModal();
  return closed;
}
