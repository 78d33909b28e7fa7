import { api, errorText, notify, type User } from "../api";
import { field, h, input } from "../dom";
import { state } from "../state";
import { withStepUp } from "../step-up";

export function renderPassword(main: HTMLElement, me: User): void {
  if (me.must_change_password) {
    main.append(
      h("p", { class: "notice" }, "An administrator set your password: choose a new one to continue."),
    );
  }
  if (me.identity_source === "OIDC") {
    main.append(h("p", {}, "Your account signs in through your identity provider and has no password here."));
    return;
  }
  const current = input({
    name: "current_password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const next = input({
    name: "new_password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: 12,
  });
  const again = input({
    name: "confirm_password",
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  const form = h(
    "form",
    { class: "card" },
    field("Current password", current),
    field("New password", next, "At least 12 characters, not your username. Your other sessions end."),
    field("New password again", again),
    h("button", { type: "submit" }, "Change password"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (next.value !== again.value) {
      notify("The new passwords differ", "error");
      again.focus();
      return;
    }
    const { error } = await withStepUp(() =>
      api.PUT("/api/v1/users/password", {
        body: { current_password: current.value, new_password: next.value },
      }),
    );
    if (error) {
      notify(errorText(error), "error");
      return;
    }
    form.reset();
    notify("Password changed; your other sessions ended");
    if (me.must_change_password) {
      state.me = null;
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    }
  });
  main.append(form);
}
