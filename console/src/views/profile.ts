import { api, errorText, notify, type User } from "../api";
import { field, formatTime, h, input } from "../dom";

export async function renderProfile(main: HTMLElement, me: User): Promise<void> {
  const { data: profile, error } = await api.GET("/api/v1/users/me/profile");
  if (!profile) {
    main.append(h("p", { class: "error" }, errorText(error)));
    return;
  }
  const controls = {
    display_name: input({ name: "display_name", autocomplete: "name", value: profile.display_name ?? "" }),
    email: input({ name: "email", type: "email", autocomplete: "email", value: profile.email ?? "" }),
    avatar_url: input({ name: "avatar_url", type: "url", value: profile.avatar_url ?? "" }),
    timezone: input({ name: "timezone", value: profile.timezone ?? "", placeholder: "Europe/Berlin" }),
    locale: input({ name: "locale", value: profile.locale ?? "", placeholder: "en-US" }),
  };
  const bio = h("textarea", { name: "bio", rows: 3 }, profile.bio ?? "");
  const form = h(
    "form",
    { class: "card" },
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Username"),
      h("dd", {}, me.username),
      h("dt", {}, "Role"),
      h("dd", {}, me.role),
      h("dt", {}, "Group"),
      h("dd", {}, me.group.name),
      h("dt", {}, "Signs in with"),
      h("dd", {}, me.identity_source),
      h("dt", {}, "Last sign-in"),
      h("dd", {}, formatTime(me.last_login_at)),
    ),
    field("Display name", controls.display_name),
    field("E-mail", controls.email),
    field("Avatar URL", controls.avatar_url),
    field("Time zone", controls.timezone, "An IANA name"),
    field("Locale", controls.locale),
    field("About me", bio),
    h("button", { type: "submit" }, "Save profile"),
  );
  const value = (el: HTMLInputElement | HTMLTextAreaElement) =>
    el.value.trim() === "" ? null : el.value.trim();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { error: saveError } = await api.PUT("/api/v1/users/me/profile", {
      body: {
        display_name: value(controls.display_name),
        email: value(controls.email),
        avatar_url: value(controls.avatar_url),
        timezone: value(controls.timezone),
        locale: value(controls.locale),
        bio: value(bio),
      },
    });
    notify(saveError ? errorText(saveError) : "Profile saved", saveError ? "error" : "ok");
  });
  main.append(form);
}
