import { api, errorText, notify } from "../api";
import { field, h, input } from "../dom";

/** Sign in: the identity provider (OIDC, back to this page) or a local username and password. */
export function renderSignIn(main: HTMLElement, signedIn: () => Promise<void>): void {
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
  const form = h(
    "form",
    { "aria-labelledby": "local-heading" },
    h("h2", { id: "local-heading" }, "Local account"),
    field("Username", username),
    field("Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { error, response } = await api.POST("/api/v1/users/login/local", {
      body: { username: username.value, password: password.value },
    });
    if (error) {
      const retry = response.headers.get("retry-after");
      notify(`${errorText(error)}${retry ? ` (try again in ${retry} s)` : ""}`, "error");
      password.focus();
      return;
    }
    notify("Signed in");
    await signedIn();
  });
  main.append(
    h("section", { class: "card" }, h("h2", {}, "Single sign-on"), h("p", {}, oidc)),
    h("section", { class: "card" }, form),
  );
}
