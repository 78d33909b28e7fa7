import type { Schema } from "../../../client/index";
import { api, errorText, notify } from "../api";
import { field, h, input } from "../dom";

type Policy = Schema<"GroupPolicy">;
type Catalog = Record<string, string[]>;
const SECTIONS = ["llm", "tts", "stt"];
const POLICY_KEYS = [
  "allowed_providers",
  "allowed_models",
  "allow_user_keys",
  "allow_custom_base_url",
  "defaults",
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a policy against the provider catalog before it is sent (the server checks again): known
 * sections and keys, and every provider named is one the catalog has for that section.
 */
export function policyProblems(value: unknown, catalog: Catalog): string[] {
  if (!isObject(value)) return ["The policy must be a JSON object"];
  const problems: string[] = [];
  for (const [section, rules] of Object.entries(value)) {
    const known = catalog[section];
    if (!SECTIONS.includes(section) || !known) {
      problems.push(`Unknown section "${section}" (use ${SECTIONS.join(", ")})`);
      continue;
    }
    if (!isObject(rules)) {
      problems.push(`${section}: must be an object`);
      continue;
    }
    for (const key of Object.keys(rules)) {
      if (!POLICY_KEYS.includes(key)) problems.push(`${section}: unknown setting "${key}"`);
    }
    const named: string[] = [];
    if (Array.isArray(rules.allowed_providers))
      named.push(...rules.allowed_providers.filter((p) => typeof p === "string"));
    if (isObject(rules.allowed_models)) named.push(...Object.keys(rules.allowed_models));
    if (isObject(rules.defaults) && typeof rules.defaults.provider === "string")
      named.push(rules.defaults.provider);
    for (const id of named) {
      if (!known.includes(id))
        problems.push(`${section}: unknown provider "${id}" (known: ${known.join(", ")})`);
    }
  }
  return problems;
}

const isPolicy = (value: unknown, catalog: Catalog): value is Policy =>
  policyProblems(value, catalog).length === 0;

export async function renderGroups(main: HTMLElement): Promise<void> {
  const { data: providers } = await api.GET("/api/v1/users/me/config/providers");
  const catalog: Catalog = { llm: [], tts: [], stt: [] };
  for (const p of providers?.data ?? []) catalog[p.section]?.push(p.id);
  const list = h("div", {});
  main.append(
    h(
      "details",
      { class: "card" },
      h("summary", {}, "Providers in the catalog"),
      h(
        "ul",
        {},
        SECTIONS.map((s) => h("li", {}, `${s}: ${(catalog[s] ?? []).join(", ")}`)),
      ),
    ),
    createForm(),
    list,
  );

  /** Parses the policy box; reports problems next to it and returns null when there are any. */
  function readPolicy(box: HTMLTextAreaElement, out: HTMLElement): Policy | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(box.value || "{}");
    } catch (e) {
      out.replaceChildren(h("li", {}, `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
      box.setAttribute("aria-invalid", "true");
      return null;
    }
    if (isPolicy(parsed, catalog)) {
      out.replaceChildren();
      box.removeAttribute("aria-invalid");
      return parsed;
    }
    out.replaceChildren(...policyProblems(parsed, catalog).map((p) => h("li", {}, p)));
    box.setAttribute("aria-invalid", "true");
    return null;
  }

  function createForm(): HTMLElement {
    const name = input({ name: "new-group-name", required: true, maxlength: 64 });
    const description = input({ name: "new-group-description", maxlength: 500 });
    const form = h(
      "form",
      { class: "card", "aria-labelledby": "new-group" },
      h("h2", { id: "new-group" }, "New group"),
      field("Name", name),
      field("Description", description),
      h("button", { type: "submit" }, "Create group"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { error } = await api.POST("/api/v1/users/admin/groups", {
        body: { name: name.value, description: description.value, policy: {} },
      });
      notify(error ? errorText(error) : `Group ${name.value} created`, error ? "error" : "ok");
      if (!error) {
        form.reset();
        await load();
      }
    });
    return form;
  }

  function groupCard(group: Schema<"Group">): HTMLElement {
    const name = input({ name: `name-${group.id}`, value: group.name, disabled: group.id === "ungrouped" });
    const description = input({ name: `description-${group.id}`, value: group.description });
    const policy = h("textarea", { name: `policy-${group.id}`, rows: 8, spellcheck: false, class: "code" });
    policy.value = JSON.stringify(group.policy, null, 2);
    const problems = h("ul", { class: "problems", "aria-live": "polite" });
    policy.addEventListener("input", () => void readPolicy(policy, problems));
    const form = h(
      "form",
      { class: "card", "aria-labelledby": `group-${group.id}` },
      h("h2", { id: `group-${group.id}` }, `${group.name} · ${group.member_count} member(s)`),
      field("Name", name),
      field("Description", description),
      field(
        "Policy (JSON)",
        policy,
        "Per section: allowed_providers, allowed_models, allow_user_keys, allow_custom_base_url, defaults",
      ),
      problems,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit" }, "Save group"),
        group.id === "ungrouped"
          ? null
          : h(
              "button",
              {
                type: "button",
                class: "danger",
                onclick: async () => {
                  const { data, error } = await api.DELETE("/api/v1/users/admin/groups/{gid}", {
                    params: { path: { gid: group.id } },
                  });
                  notify(
                    data ? `Deleted; ${data.members_moved} member(s) moved to ungrouped` : errorText(error),
                    data ? "ok" : "error",
                  );
                  await load();
                },
              },
              "Delete group",
            ),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const parsed = readPolicy(policy, problems);
      if (!parsed) {
        notify("Fix the policy first", "error");
        policy.focus();
        return;
      }
      const { error } = await api.PUT("/api/v1/users/admin/groups/{gid}", {
        params: { path: { gid: group.id } },
        body: {
          ...(group.id === "ungrouped" ? {} : { name: name.value }),
          description: description.value,
          policy: parsed,
        },
      });
      notify(error ? errorText(error) : `Group ${name.value} saved`, error ? "error" : "ok");
      if (!error) await load();
    });
    return form;
  }

  async function load(): Promise<void> {
    const { data, error } = await api.GET("/api/v1/users/admin/groups");
    list.replaceChildren(
      ...(data ? data.data.map(groupCard) : [h("p", { class: "error" }, errorText(error))]),
    );
  }
  await load();
}
