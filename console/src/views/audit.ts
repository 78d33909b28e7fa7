import { api, errorText } from "../api";
import { field, formatTime, h, input, pager, table } from "../dom";

/** A datetime-local value as the ISO 8601 time the API wants; empty stays absent. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

export async function renderAudit(main: HTMLElement): Promise<void> {
  const actor = input({ name: "actor", placeholder: "user id" });
  const target = input({ name: "target", placeholder: "user or group id" });
  const action = input({ name: "action", placeholder: "admin.role_changed" });
  const from = input({ name: "from", type: "datetime-local" });
  const to = input({ name: "to", type: "datetime-local" });
  const results = h("div", {});
  let page = 1;
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter the audit log" },
    field("Actor", actor),
    field("Target", target),
    field("Action", action),
    field("From", from),
    field("To", to),
    h("button", { type: "submit" }, "Filter"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    page = 1;
    void load();
  });
  main.append(filters, results);

  async function load(): Promise<void> {
    const query = {
      page,
      per_page: 50,
      ...(actor.value.trim() ? { actor: actor.value.trim() } : {}),
      ...(target.value.trim() ? { target: target.value.trim() } : {}),
      ...(action.value.trim() ? { action: action.value.trim() } : {}),
      ...(isoOf(from.value) ? { from: isoOf(from.value) } : {}),
      ...(isoOf(to.value) ? { to: isoOf(to.value) } : {}),
    };
    const { data, error } = await api.GET("/api/v1/users/admin/audit", { params: { query } });
    if (!data) {
      results.replaceChildren(h("p", { class: "error" }, errorText(error)));
      return;
    }
    const { pagination } = data;
    results.replaceChildren(
      table(
        "Audit entries, newest first",
        ["When", "Action", "Actor", "Target", "Details", "Address"],
        data.data.map((e) => [
          formatTime(e.at),
          e.action,
          e.actor_id ?? "—",
          e.target_id ? `${e.target_type ?? ""} ${e.target_id}` : "—",
          h("code", {}, JSON.stringify(e.details)),
          e.ip ?? "—",
        ]),
      ),
      pager("Pages of the audit log", "entries", pagination, (next) => {
        page = next;
        void load();
      }),
    );
  }
  await load();
}
