import type { Schema } from "../../../client/index";
import { api, errorText, notify, type User } from "../api";
import { field, h, input, select, table } from "../dom";
import { withStepUp } from "../step-up";

type Section = "llm" | "tts" | "stt";
type Preferences = Schema<"Preferences">;
type SectionBody = NonNullable<Schema<"PreferencesUpdate">["llm"]>;
const SECTIONS: { id: Section; title: string }[] = [
  { id: "llm", title: "Language model (LLM)" },
  { id: "tts", title: "Text to speech (TTS)" },
  { id: "stt", title: "Speech to text (STT)" },
];

function verify(section: Section, body: Schema<"VerifyProviderRequest">) {
  if (section === "llm") return api.POST("/api/v1/users/me/config/verify_llm", { body });
  if (section === "tts") return api.POST("/api/v1/users/me/config/verify_tts", { body });
  return api.POST("/api/v1/users/me/config/verify_stt", { body });
}

const show = (value: unknown) =>
  value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);

export async function renderPreferences(main: HTMLElement, me: User): Promise<void> {
  const { data: providers } = await api.GET("/api/v1/users/me/config/providers");
  let etag: string | null = null;
  const sectionsHolder = h("div", { class: "sections" });
  main.append(sectionsHolder);

  async function load(): Promise<void> {
    const { data, error, response } = await api.GET("/api/v1/users/me/config");
    if (!data) {
      sectionsHolder.replaceChildren(h("p", { class: "error" }, errorText(error)));
      return;
    }
    etag = response.headers.get("etag");
    sectionsHolder.replaceChildren(...SECTIONS.map((s) => sectionCard(s.id, s.title, data)));
  }

  async function save(update: Schema<"PreferencesUpdate">, done: string): Promise<boolean> {
    const { error } = await api.PUT("/api/v1/users/me/config", {
      body: update,
      params: { header: etag ? { "if-match": etag } : {} },
    });
    if (error) {
      notify(errorText(error), "error");
      return false;
    }
    notify(done);
    await load();
    return true;
  }

  function sectionCard(section: Section, title: string, prefs: Preferences): HTMLElement {
    const effective = prefs.effective[section];
    const override = prefs.overrides[section];
    const choices = (providers?.data ?? []).filter((p) => p.section === section);
    const provider = select(
      `${section}-provider`,
      choices.map((p) => ({
        value: p.id,
        label: p.allowed ? p.name : `${p.name} (not allowed by your group)`,
      })),
      override?.provider ?? effective.provider.value ?? "",
    );
    for (const option of provider.options) {
      option.disabled = !choices.find((p) => p.id === option.value)?.allowed;
    }
    const models = h("datalist", { id: `${section}-models` });
    const model = input({
      name: `${section}-model`,
      list: models.id,
      value: override?.model ?? effective.model.value ?? "",
    });
    const baseUrl = input({
      name: `${section}-base-url`,
      type: "url",
      value: override?.base_url ?? "",
      placeholder: "https://…/v1",
    });
    const baseUrlField = field("Base URL", baseUrl, "Only for providers that take one");
    const apiKey = input({
      name: `${section}-api-key`,
      type: "password",
      autocomplete: "off",
      spellcheck: false,
    });
    const keyState = override?.api_key.set
      ? `A key is stored (ends in ${override.api_key.last4 ?? "…"}); it is never shown. Type a new one to replace it.`
      : "No key stored. Keys are stored encrypted and never shown back.";
    const result = h("p", { class: "result", role: "status" });

    async function loadModels(): Promise<void> {
      const info = choices.find((p) => p.id === provider.value);
      baseUrlField.hidden = !info?.custom_base_url;
      const { data } = await api.GET("/api/v1/users/me/config/models", {
        params: { query: { provider_name: provider.value, section } },
      });
      models.replaceChildren(...(data?.models ?? []).map((m) => h("option", { value: m })));
    }
    provider.addEventListener("change", () => void loadModels());
    void loadModels();

    const body = (withKey: boolean): SectionBody => ({
      provider: provider.value,
      model: model.value.trim() || null,
      base_url: baseUrl.value.trim() || null,
      ...(override?.options ? { options: override.options } : {}),
      ...(withKey && apiKey.value ? { api_key: apiKey.value } : {}),
    });

    const form = h(
      "form",
      { "aria-labelledby": `${section}-title` },
      field("Provider", provider),
      field("Model", model, "Pick from the provider's list or type a model name"),
      models,
      baseUrlField,
      field("API key", apiKey, keyState),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit" }, "Save"),
        h(
          "button",
          {
            type: "button",
            onclick: async () => {
              result.textContent = "Verifying…";
              const { data, error } = await verify(section, {
                provider: provider.value,
                ...(apiKey.value ? { api_key: apiKey.value } : {}),
                ...(baseUrl.value.trim() ? { base_url: baseUrl.value.trim() } : {}),
                ...(model.value.trim() ? { model: model.value.trim() } : {}),
              });
              result.className = `result ${data?.ok ? "ok" : "error"}`;
              result.textContent = data
                ? `${data.ok ? "Key works" : "Key check failed"}: ${data.detail} (${data.latency_ms} ms)`
                : errorText(error);
            },
          },
          "Verify key",
        ),
        override?.api_key.set
          ? h(
              "button",
              {
                type: "button",
                onclick: () => void save({ [section]: { ...body(false), api_key: null } }, "Key removed"),
              },
              "Remove key",
            )
          : null,
        override
          ? h(
              "button",
              { type: "button", onclick: () => void save({ [section]: null }, `${title}: back to defaults`) },
              "Use defaults",
            )
          : null,
      ),
      result,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await save({ [section]: body(true) }, `${title} saved`)) apiKey.value = "";
    });
    const blocked = effective.blocked.map((b) =>
      h("li", {}, `${b.field} ${b.value} (${b.layer}): ${b.reason}`),
    );
    return h(
      "section",
      { class: "card", id: `section-${section}` },
      h("h2", { id: `${section}-title` }, title),
      h(
        "p",
        { class: "effective" },
        `In use: ${show(effective.provider.value)} · ${show(effective.model.value)} (from ${effective.provider.source ?? "nowhere"})`,
      ),
      blocked.length ? h("ul", { class: "notice" }, blocked) : null,
      form,
    );
  }

  main.append(filesCard(me, load));
  await load();
}

/** YAML export (administrators) and import with a dry run whose changes are shown before applying. */
function filesCard(me: User, reload: () => Promise<void>): HTMLElement {
  const yaml = h("textarea", { name: "yaml", rows: 10, spellcheck: false, class: "code" });
  const file = input({ type: "file", name: "file", accept: ".yaml,.yml,application/yaml,text/yaml" });
  const diff = h("div", { class: "diff", "aria-live": "polite" });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (chosen) yaml.value = await chosen.text();
  });

  async function upload(dryRun: boolean): Promise<Schema<"ImportResult"> | null> {
    const form = new FormData();
    form.append("file", new Blob([yaml.value], { type: "application/yaml" }), "preferences.yaml");
    // Multipart is not typed by the contract (openapi-fetch would JSON-encode): a plain fetch.
    const res = await fetch(`/api/v1/users/me/config/import?dry_run=${dryRun}`, {
      method: "POST",
      body: form,
    });
    const json: unknown = await res.json();
    if (!res.ok || !isImportResult(json)) {
      notify(errorText(json, `Import failed (${res.status})`), "error");
      return null;
    }
    return json;
  }

  const preview = h("button", { type: "button" }, "Preview changes");
  preview.addEventListener("click", async () => {
    const result = await upload(true);
    if (!result) return;
    if (result.changes.length === 0) {
      diff.replaceChildren(h("p", {}, "Nothing would change."));
      return;
    }
    const apply = h("button", { type: "button" }, `Apply ${result.changes.length} change(s)`);
    apply.addEventListener("click", async () => {
      const applied = await upload(false);
      if (!applied) return;
      diff.replaceChildren(h("p", {}, `Applied ${applied.changes.length} change(s).`));
      notify("Preferences imported");
      await reload();
    });
    diff.replaceChildren(
      table(
        "Changes the import would make",
        ["Section", "Field", "Now", "After import"],
        result.changes.map((c) => [c.section, c.field, show(c.from), show(c.to)]),
      ),
      apply,
    );
    apply.focus();
  });

  const exportButton =
    me.role === "admin"
      ? h(
          "button",
          {
            type: "button",
            onclick: async () => {
              const { data, error } = await withStepUp(() =>
                api.GET("/api/v1/users/me/config/export", { parseAs: "text" }),
              );
              if (data === undefined) {
                notify(errorText(error), "error");
                return;
              }
              yaml.value = data;
              notify("Exported: the YAML is in the box below (secrets masked)");
            },
          },
          "Export YAML",
        )
      : null;

  return h(
    "section",
    { class: "card" },
    h("h2", {}, "Export and import"),
    h(
      "p",
      {},
      me.role === "admin"
        ? "Export your preferences as YAML, edit, then import."
        : "Import preferences from YAML.",
    ),
    exportButton,
    field("YAML", yaml),
    field("Or load a file", file),
    preview,
    diff,
  );
}

function isImportResult(value: unknown): value is Schema<"ImportResult"> {
  return typeof value === "object" && value !== null && "changes" in value && Array.isArray(value.changes);
}
