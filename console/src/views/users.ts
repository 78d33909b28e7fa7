import type { Schema } from "../../../client/index";
import { api, errorText, notify } from "../api";
import { field, formatTime, h, input, pager, select, setter, table } from "../dom";
import { withStepUp } from "../step-up";

type AdminUser = Schema<"AdminUser">;
type Role = AdminUser["role"];
type Status = AdminUser["status"];
const ROLES: Role[] = ["user", "admin"];
const STATUSES: Status[] = ["ACTIVE", "DISABLED", "LOCKED"];
const isRole = (v: string): v is Role => ROLES.some((r) => r === v);
const isStatus = (v: string): v is Status => STATUSES.some((s) => s === v);
const any = { value: "", label: "Any" };

export async function renderUsers(main: HTMLElement): Promise<void> {
  const { data: groupList } = await api.GET("/api/v1/users/admin/groups");
  const groups = groupList?.data ?? [];
  const search = input({ type: "search", name: "search" });
  const role = select("role", [any, ...ROLES.map((r) => ({ value: r, label: r }))]);
  const status = select("status", [any, ...STATUSES.map((s) => ({ value: s, label: s }))]);
  const group = select("group", [any, ...groups.map((g) => ({ value: g.id, label: g.name }))]);
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Find users" },
    field("Search", search, "Username, e-mail or name"),
    field("Role", role),
    field("Status", status),
    field("Group", group),
    h("button", { type: "submit" }, "Search"),
  );
  const results = h("div", {});
  const detail = h("div", {});
  let page = 1;
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    page = 1;
    void load();
  });
  main.append(filters, results, detail);

  async function load(): Promise<void> {
    const { data, error } = await api.GET("/api/v1/users/admin/users", {
      params: {
        query: {
          page,
          per_page: 20,
          ...(search.value.trim() ? { search: search.value.trim() } : {}),
          ...(isRole(role.value) ? { role: role.value } : {}),
          ...(isStatus(status.value) ? { status: status.value } : {}),
          ...(group.value ? { group_id: group.value } : {}),
        },
      },
    });
    if (!data) {
      results.replaceChildren(h("p", { class: "error" }, errorText(error)));
      return;
    }
    const { pagination } = data;
    const pages = pager("Pages of users", "users", pagination, (next) => {
      page = next;
      void load();
    });
    results.replaceChildren(
      table(
        "Users",
        ["Username", "Name", "Role", "Group", "Status", "Last sign-in", ""],
        data.data.map((u) => [
          u.username,
          u.display_name ?? "—",
          u.role,
          u.group.name,
          u.status,
          formatTime(u.last_login_at),
          h(
            "button",
            { type: "button", "aria-label": `Manage ${u.username}`, onclick: () => void manage(u.id) },
            "Manage",
          ),
        ]),
      ),
      pages,
    );
  }

  async function manage(uid: string): Promise<void> {
    const path = { uid };
    const { data: user, error } = await api.GET("/api/v1/users/admin/users/{uid}", { params: { path } });
    if (!user) {
      notify(errorText(error), "error");
      return;
    }
    const done = async (result: { error?: unknown }, message: string) => {
      notify(result.error ? errorText(result.error) : message, result.error ? "error" : "ok");
      if (!result.error) {
        await load();
        await manage(uid);
      }
    };
    const roleSelect = select(
      "user-role",
      ROLES.map((r) => ({ value: r, label: r })),
      user.role,
    );
    const groupSelect = select(
      "user-group",
      groups.map((g) => ({ value: g.id, label: g.name })),
      user.group.id,
    );
    const statusSelect = select(
      "user-status",
      STATUSES.map((s) => ({ value: s, label: s })),
      user.status,
    );
    const newPassword = input({
      type: "password",
      name: "reset-password",
      autocomplete: "new-password",
      minlength: 12,
    });
    const { data: sessions } = await api.GET("/api/v1/users/admin/users/{uid}/sessions", {
      params: { path },
    });
    const heading = h("h2", { id: "manage-title", tabindex: -1 }, `Manage ${user.username}`);
    detail.replaceChildren(
      h(
        "section",
        { class: "card", "aria-labelledby": "manage-title" },
        heading,
        h(
          "p",
          {},
          `${user.email ?? "no e-mail"} · ${user.identity_source} · failed attempts: ${user.failed_attempts}${user.locked_until ? ` · locked until ${formatTime(user.locked_until)}` : ""}`,
        ),
        setter("Role", roleSelect, "Set role", async () => {
          if (!isRole(roleSelect.value)) return;
          const body = { role: roleSelect.value };
          await done(
            await withStepUp(() =>
              api.PUT("/api/v1/users/admin/users/{uid}/role", { params: { path }, body }),
            ),
            "Role changed",
          );
        }),
        setter("Group", groupSelect, "Set group", async () => {
          const body = { group_id: groupSelect.value };
          await done(
            await api.PUT("/api/v1/users/admin/users/{uid}/group", { params: { path }, body }),
            "Group changed",
          );
        }),
        setter("Status", statusSelect, "Set status", async () => {
          if (!isStatus(statusSelect.value)) return;
          const body = { status: statusSelect.value };
          await done(
            await api.PUT("/api/v1/users/admin/users/{uid}/status", { params: { path }, body }),
            "Status changed",
          );
        }),
        h(
          "div",
          { class: "row" },
          h(
            "button",
            {
              type: "button",
              onclick: async () =>
                done(
                  await api.POST("/api/v1/users/admin/users/{uid}/unlock", { params: { path } }),
                  "Unlocked",
                ),
            },
            "Unlock sign-in",
          ),
        ),
        user.identity_source === "LOCAL"
          ? h(
              "div",
              { class: "row" },
              field(
                "New password",
                newPassword,
                "The user must change it at next sign-in; their sessions end",
              ),
              h(
                "button",
                {
                  type: "button",
                  onclick: async () =>
                    done(
                      await api.POST("/api/v1/users/admin/users/{uid}/reset-password", {
                        params: { path },
                        body: {
                          new_password: newPassword.value,
                          require_password_change: true,
                          remove_identities: false,
                        },
                      }),
                      "Password reset",
                    ),
                },
                "Reset password",
              ),
            )
          : null,
        user.mfa_enabled
          ? h(
              "div",
              { class: "row" },
              h(
                "button",
                {
                  type: "button",
                  onclick: async () =>
                    done(
                      await withStepUp(() =>
                        api.POST("/api/v1/users/admin/users/{uid}/mfa/disable", { params: { path } }),
                      ),
                      "Second factors removed; the user's sessions ended",
                    ),
                },
                "Remove second factors",
              ),
            )
          : null,
        h("h3", {}, "Sessions"),
        sessions && sessions.data.length > 0
          ? table(
              `Sessions of ${user.username}`,
              ["Address", "Signed in", "Expires", "Method"],
              sessions.data.map((s) => [
                s.ip ?? "—",
                formatTime(s.created_at),
                formatTime(s.expires_at),
                s.method ?? "—",
              ]),
            )
          : h("p", {}, "No sessions."),
        h(
          "button",
          {
            type: "button",
            onclick: async () => {
              const { data, error: endError } = await api.DELETE("/api/v1/users/admin/users/{uid}/sessions", {
                params: { path },
              });
              await done({ error: endError }, `Ended ${data?.ended ?? 0} session(s)`);
            },
          },
          "End all sessions",
        ),
      ),
    );
    heading.focus();
  }

  await load();
}
