import type { Schema } from "../../../client/index";
import { api, errorText, fieldError, notify } from "../api";
import { field, formatTime, h, input, modal, table } from "../dom";
import { state } from "../state";
import { withStepUp } from "../step-up";
import { createPasskey, passkeyFailure, passkeysSupported } from "../webauthn";

type MfaStatus = Schema<"MfaStatus">;
type Passkey = Schema<"Passkey">;

/** A section card titled by its own heading (`tabindex=-1`, so focus can be moved to it). */
function card(id: string, title: string): { section: HTMLElement; heading: HTMLHeadingElement } {
  const heading = h("h2", { id, tabindex: -1 }, title);
  return { section: h("section", { class: "card", "aria-labelledby": id }, heading), heading };
}

/** Second factors: the authenticator app (TOTP) with its recovery codes, and passkeys. */
export async function renderSecurity(main: HTMLElement): Promise<void> {
  const overview = h("div", {});
  const totp = card("totp-title", "Authenticator app");
  const totpBody = h("div", {});
  totp.section.append(totpBody);
  const passkeys = card("passkeys-title", "Passkeys");
  const passkeysBody = h("div", {});
  passkeys.section.append(passkeysBody);
  main.append(overview, totp.section, passkeys.section);
  /** Each listed passkey's Rename button, so focus can go back to it once the list is redrawn. */
  const renameButtons = new Map<string, HTMLButtonElement>();

  async function load(): Promise<void> {
    const [{ data: mfa, error }, { data: list }] = await Promise.all([
      api.GET("/api/v1/users/me/mfa"),
      api.GET("/api/v1/users/me/passkeys"),
    ]);
    if (!mfa) {
      overview.replaceChildren(h("p", { class: "error" }, errorText(error)));
      return;
    }
    // Once a required factor is in place the router stops sending the user here.
    state.mfaSetupNeeded = mfa.mfa_required && !mfa.mfa_enabled;
    showOverview(mfa);
    showTotp(mfa);
    showPasskeys(list?.data ?? []);
  }

  function showOverview(mfa: MfaStatus): void {
    const app = mfa.totp.enabled ? "On" : mfa.totp.pending ? "Set-up not finished" : "Off";
    overview.replaceChildren(
      ...(mfa.mfa_required && !mfa.mfa_enabled
        ? [
            h(
              "p",
              { class: "notice" },
              "Your account needs a second factor: set up an authenticator app or add a passkey to continue.",
            ),
          ]
        : []),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Second factor"),
        h("dd", {}, mfa.mfa_enabled ? "On" : "Off"),
        h("dt", {}, "Authenticator app"),
        h("dd", {}, app),
        h("dt", {}, "Recovery codes left"),
        h(
          "dd",
          {},
          mfa.totp.enabled ? `${mfa.recovery_codes.remaining} of ${mfa.recovery_codes.total}` : "—",
        ),
        h("dt", {}, "Passkeys"),
        h("dd", {}, String(mfa.passkeys)),
      ),
    );
  }

  function showTotp(mfa: MfaStatus): void {
    if (!mfa.totp.enabled) {
      totpBody.replaceChildren(
        h("p", {}, "A code from an app on your phone (any TOTP app) as a second step after your password."),
        h("button", { type: "button", onclick: () => void start() }, "Set up authenticator app"),
      );
      return;
    }
    const ask = h("div", { class: "actions" });
    const offerDisable = () =>
      ask.replaceChildren(
        h("button", { type: "button", onclick: () => void regenerate() }, "New recovery codes"),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            onclick: () => {
              // A second, explicit click: turning it off also voids the recovery codes.
              ask.replaceChildren(
                h(
                  "p",
                  { class: "notice" },
                  "Turn off the authenticator app? Your recovery codes stop working too.",
                ),
                h("button", { type: "button", class: "danger", onclick: () => void disable() }, "Turn off"),
                h("button", { type: "button", class: "secondary", onclick: offerDisable }, "Keep it"),
              );
              ask.querySelector("button")?.focus();
            },
          },
          "Turn off authenticator app",
        ),
      );
    offerDisable();
    totpBody.replaceChildren(
      h("p", {}, `On. ${mfa.recovery_codes.remaining} of ${mfa.recovery_codes.total} recovery codes left.`),
      ask,
    );
  }

  async function start(): Promise<void> {
    const { data, error } = await withStepUp(() => api.POST("/api/v1/users/me/mfa/totp"));
    if (!data) {
      notify(errorText(error), "error");
      return;
    }
    const code = input({
      name: "totp_code",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      pattern: "[0-9]{6}",
      maxlength: 6,
      required: true,
    });
    const step = h("h3", { tabindex: -1 }, "Scan the QR code with your app");
    const form = h(
      "form",
      {},
      field("Code from the app", code, `The ${data.digits}-digit code the app shows now`),
      h("button", { type: "submit" }, "Turn on"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { data: done, error: confirmError } = await withStepUp(() =>
        api.POST("/api/v1/users/me/mfa/totp/confirm", { body: { code: code.value.trim() } }),
      );
      if (!done) {
        notify(errorText(confirmError), "error");
        code.focus();
        return;
      }
      showCodes(done.recovery_codes, "Authenticator app on.");
    });
    totpBody.replaceChildren(
      step,
      h("img", {
        class: "qr",
        // An <img> from a data: URL (allowed by the CSP's img-src): the SVG is never parsed into the page.
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data.qr_svg)}`,
        alt: "QR code of your new authenticator secret",
        width: 200,
        height: 200,
      }),
      h(
        "p",
        {},
        "Cannot scan it? Type this key into the app instead: ",
        h("code", { id: "totp-secret" }, data.secret),
      ),
      form,
    );
    step.focus();
  }

  /** Recovery codes, shown once: right after enrolment and after regenerating them. */
  function showCodes(codes: string[], done: string): void {
    const heading = h("h3", { tabindex: -1 }, "Save your recovery codes");
    const copy = h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(codes.join("\n"));
            notify("Recovery codes copied");
          } catch {
            // No clipboard outside a secure context, or permission refused.
            notify("Copying failed: select the codes and copy them", "error");
          }
        },
      },
      "Copy codes",
    );
    totpBody.replaceChildren(
      heading,
      h(
        "p",
        { class: "notice", id: "codes-once" },
        "Shown once: you will not see these codes again. Keep them somewhere safe; each one signs you " +
          "in once if you lose your authenticator app.",
      ),
      h(
        "ol",
        { class: "codes", "aria-describedby": "codes-once" },
        codes.map((c) => h("li", {}, h("code", {}, c))),
      ),
      h(
        "div",
        { class: "actions" },
        copy,
        h("button", { type: "button", onclick: () => void load() }, "I have saved them"),
      ),
    );
    notify(`${done} Save your recovery codes now: they are shown once.`);
    heading.focus();
  }

  async function regenerate(): Promise<void> {
    const { data, error } = await withStepUp(() => api.POST("/api/v1/users/me/mfa/recovery-codes"));
    if (!data) {
      notify(errorText(error), "error");
      return;
    }
    showCodes(data.recovery_codes, "New recovery codes made; the old ones no longer work.");
  }

  async function disable(): Promise<void> {
    const { error } = await withStepUp(() => api.DELETE("/api/v1/users/me/mfa/totp"));
    notify(error ? errorText(error) : "Authenticator app turned off", error ? "error" : "ok");
    await load();
    totp.heading.focus();
  }

  function showPasskeys(list: Passkey[]): void {
    renameButtons.clear();
    const name = input({ name: "passkey_name", value: "Passkey", maxlength: 64, required: true });
    const form = h(
      "form",
      { class: "row" },
      field("Name for a new passkey", name),
      h("button", { type: "submit" }, "Add a passkey"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void add(name.value.trim());
    });
    passkeysBody.replaceChildren(
      h(
        "p",
        {},
        "Sign in with your device's screen lock or a security key, no password needed. A passkey also " +
          "counts as a second factor.",
      ),
      list.length
        ? table(
            "Your passkeys",
            ["Name", "Added", "Last used", "Synced", ""],
            list.map((p) => [
              p.name,
              formatTime(p.created_at),
              formatTime(p.last_used_at),
              p.backed_up ? "Yes" : "No",
              h(
                "div",
                { class: "actions" },
                renameButton(p),
                h(
                  "button",
                  {
                    type: "button",
                    class: "danger",
                    "aria-label": `Remove passkey ${p.name}`,
                    onclick: () => void remove(p),
                  },
                  "Remove",
                ),
              ),
            ]),
          )
        : h("p", {}, "No passkeys yet."),
      passkeysSupported() ? form : h("p", {}, "This browser cannot create passkeys."),
    );
  }

  async function add(name: string): Promise<void> {
    const { data: options, error } = await withStepUp(() => api.POST("/api/v1/users/me/passkeys/options"));
    if (!options) {
      notify(errorText(error), "error");
      return;
    }
    let credential: Schema<"PasskeyAttestation">;
    try {
      credential = await createPasskey(options);
    } catch (problem) {
      notify(passkeyFailure(problem), "error");
      return;
    }
    const { error: saveError } = await withStepUp(() =>
      api.POST("/api/v1/users/me/passkeys", { body: { name, credential } }),
    );
    notify(saveError ? errorText(saveError) : `Passkey "${name}" added`, saveError ? "error" : "ok");
    await load();
  }

  function renameButton(passkey: Passkey): HTMLButtonElement {
    const button = h(
      "button",
      {
        type: "button",
        class: "secondary",
        "aria-label": `Rename passkey ${passkey.name}`,
        onclick: () => void rename(passkey),
      },
      "Rename",
    );
    renameButtons.set(passkey.id, button);
    return button;
  }

  /** A dialog with the name to edit. No step-up: the name decides nothing about sign-in. */
  async function rename(passkey: Passkey): Promise<void> {
    const name = input({ name: "passkey_new_name", value: passkey.name, maxlength: 64, required: true });
    const nameField = field("New name", name);
    // Next to the field and named by it, so the refusal is read out when focus returns to it.
    const problem = h("p", { class: "error", id: `${name.id}-problem`, role: "status" });
    name.setAttribute("aria-describedby", problem.id);
    nameField.append(problem);
    const save = h("button", { type: "submit" }, "Save");
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    const form = h(
      "form",
      {},
      h("h2", { id: "rename-title" }, `Rename passkey ${passkey.name}`),
      nameField,
      h("div", { class: "actions" }, save, cancel),
    );
    const { dialog, closed } = modal("rename-title", form);
    // An object, not a `let`: TypeScript would keep a `let` narrowed to its initial value past the await.
    const outcome: { name?: string } = {};
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      const { data, error } = await api.PATCH("/api/v1/users/me/passkeys/{passkey_id}", {
        params: { path: { passkey_id: passkey.id } },
        body: { name: name.value },
      });
      save.disabled = false;
      if (!data) {
        name.setAttribute("aria-invalid", "true");
        problem.textContent = fieldError(error, "name") ?? errorText(error);
        name.focus();
        return;
      }
      outcome.name = data.name;
      dialog.close();
    });
    await closed;
    // Cancelled: the dialog already gave focus back to the Rename button.
    if (outcome.name === undefined) return;
    notify(`Passkey "${passkey.name}" renamed to "${outcome.name}"`);
    await load();
    renameButtons.get(passkey.id)?.focus();
  }

  async function remove(passkey: Passkey): Promise<void> {
    const { error } = await withStepUp(() =>
      api.DELETE("/api/v1/users/me/passkeys/{passkey_id}", { params: { path: { passkey_id: passkey.id } } }),
    );
    notify(error ? errorText(error) : `Passkey "${passkey.name}" removed`, error ? "error" : "ok");
    await load();
    passkeys.heading.focus();
  }

  await load();
}
