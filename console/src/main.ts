// The console: hash-routed views over the public API (client/index.ts), no framework.
import { api, notify, type User } from "./api";
import { h } from "./dom";
import { state } from "./state";
import { renderAudit } from "./views/audit";
import { renderGroups } from "./views/groups";
import { renderPassword } from "./views/password";
import { renderPreferences } from "./views/preferences";
import { renderProfile } from "./views/profile";
import { renderSecurity } from "./views/security";
import { renderSessions } from "./views/sessions";
import { renderSignIn } from "./views/sign-in";
import { renderUsers } from "./views/users";

export interface View {
  title: string;
  admin?: boolean;
  render: (main: HTMLElement, me: User) => Promise<void> | void;
}

const VIEWS: Record<string, View> = {
  profile: { title: "My profile", render: renderProfile },
  password: { title: "Password", render: renderPassword },
  security: { title: "Security", render: renderSecurity },
  sessions: { title: "My sessions", render: renderSessions },
  preferences: { title: "Preferences", render: renderPreferences },
  users: { title: "Users", admin: true, render: renderUsers },
  groups: { title: "Groups", admin: true, render: renderGroups },
  audit: { title: "Audit log", admin: true, render: renderAudit },
};

function mainElement(): HTMLElement {
  const main = document.getElementById("main");
  if (!main) throw new Error("#main missing");
  return main;
}

function renderNav(user: User | null): void {
  const nav = document.getElementById("nav");
  if (!nav) return;
  nav.replaceChildren();
  if (!user) return;
  const current = location.hash.slice(2) || "profile";
  const list = h("ul", {});
  for (const [id, view] of Object.entries(VIEWS)) {
    if (view.admin && user.role !== "admin") continue;
    list.append(
      h("li", {}, h("a", { href: `#/${id}`, "aria-current": id === current ? "page" : null }, view.title)),
    );
  }
  const signOut = h(
    "button",
    { type: "button", class: "link", onclick: () => void signOutNow() },
    "Sign out",
  );
  nav.append(
    list,
    h("p", { class: "who" }, `${user.display_name ?? user.username} (${user.role}) `, signOut),
  );
}

async function signOutNow(): Promise<void> {
  await api.POST("/api/v1/users/logout");
  state.me = null;
  state.mfaSetupNeeded = null;
  await go("#/signin");
}

/** Goes to a screen: through `hashchange` when the hash changes, directly when it is already there. */
async function go(hash: string): Promise<void> {
  if (location.hash === hash) await route();
  else location.hash = hash;
}

let generation = 0;

/**
 * Renders the view the hash names; sign-in when signed out, the password form while one is required.
 * Each call renders into a fresh container, so a slower earlier call can only write to a detached one.
 */
export async function route(): Promise<void> {
  const mine = ++generation;
  const main = mainElement();
  if (!state.me) {
    const { data } = await api.GET("/api/v1/users/me");
    if (mine !== generation) return;
    state.me = data ?? null;
  }
  const me = state.me;
  // A policy may require a second factor: until one is enrolled every other screen would answer
  // 403 mfa_enrollment_required. Asked once per sign-in, and only of users without one.
  if (me && !me.must_change_password && state.mfaSetupNeeded === null) {
    const { data } = me.mfa_enabled ? { data: null } : await api.GET("/api/v1/users/me/mfa");
    if (mine !== generation) return;
    state.mfaSetupNeeded = !!data && data.mfa_required && !data.mfa_enabled;
  }
  let id = location.hash.slice(2) || "profile";
  if (!me) id = "signin";
  else if (me.must_change_password) id = "password";
  else if (state.mfaSetupNeeded) id = "security";
  else if (id === "signin" || !VIEWS[id]) id = "profile";
  const view = id === "signin" ? null : VIEWS[id];
  // The address names the screen shown, so a link to the screen that was asked for (and refused
  // for now) changes the hash and routes again.
  if (me && location.hash !== `#/${id}`) history.replaceState(null, "", `#/${id}`);
  renderNav(me);
  const heading = h("h1", { tabindex: -1 }, view ? view.title : "Sign in");
  const container = h("div", {});
  main.replaceChildren(heading, container);
  document.title = `${view ? view.title : "Sign in"} · Edge Users`;
  heading.focus();
  if (!me || !view) {
    const challenge = state.mfaChallenge;
    state.mfaChallenge = null;
    renderSignIn(
      container,
      async () => {
        state.me = null;
        state.mfaSetupNeeded = null;
        await go("#/profile");
      },
      challenge,
    );
  } else if (view.admin && me.role !== "admin") {
    container.append(h("p", {}, "Administrators only."));
  } else {
    await view.render(container, me);
  }
}

// An OIDC sign-in lands here with ?login_code= (for other-site frontends; the cookie already signs us
// in), with ?mfa_challenge= when the second factor is still needed, or with ?error=.
const returned = new URLSearchParams(location.search);
if (returned.has("login_code") || returned.has("error") || returned.has("mfa_challenge")) {
  const error = returned.get("error");
  state.mfaChallenge = returned.get("mfa_challenge");
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  if (error) queueMicrotask(() => notify(`Sign-in failed: ${error}`, "error"));
}
window.addEventListener("hashchange", () => {
  notify("");
  void route();
});
void route();
