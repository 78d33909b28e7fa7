import { api, errorText, notify } from "../api";
import { formatTime, h, table } from "../dom";

/** A short device name from a user agent: browser and platform. */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : /curl|node|undici/i.test(userAgent)
            ? "Script"
            : "Browser";
  const platform = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : "";
  return platform ? `${browser} on ${platform}` : browser;
}

export async function renderSessions(main: HTMLElement): Promise<void> {
  const holder = h("div", {});
  main.append(
    h("p", {}, "Where you are signed in. Ending a session signs that device out."),
    h("button", { type: "button", onclick: () => void endOthers() }, "End all other sessions"),
    holder,
  );
  async function load(): Promise<void> {
    const { data, error } = await api.GET("/api/v1/users/me/sessions");
    if (!data) {
      holder.replaceChildren(h("p", { class: "error" }, errorText(error)));
      return;
    }
    holder.replaceChildren(
      table(
        "Your sessions",
        ["Device", "Address", "Signed in", "Expires", "Method", ""],
        data.data.map((s) => [
          h("span", { title: s.user_agent ?? "" }, deviceOf(s.user_agent)),
          s.ip ?? "—",
          formatTime(s.created_at),
          formatTime(s.expires_at),
          s.method ?? "—",
          s.current
            ? h("strong", {}, "This session")
            : h(
                "button",
                {
                  type: "button",
                  "aria-label": `End session on ${deviceOf(s.user_agent)} from ${formatTime(s.created_at)}`,
                  onclick: () => void endOne(s.id),
                },
                "End",
              ),
        ]),
      ),
    );
  }
  async function endOne(id: string): Promise<void> {
    const { error } = await api.DELETE("/api/v1/users/me/sessions/{session_id}", {
      params: { path: { session_id: id } },
    });
    notify(error ? errorText(error) : "Session ended", error ? "error" : "ok");
    await load();
  }
  async function endOthers(): Promise<void> {
    const { data, error } = await api.DELETE("/api/v1/users/me/sessions");
    notify(data ? `Ended ${data.ended} other session(s)` : errorText(error), data ? "ok" : "error");
    await load();
  }
  await load();
}
