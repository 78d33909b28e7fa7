import type { InferRequestType } from "hono/client";
import { type api, bodyAt, call, client, type Worker } from "../helpers";

/** The preference requests the tests make, in one place. */

export type Overrides = InferRequestType<typeof api.users.me.config.$put>["json"];
type Section = "llm" | "tts" | "stt";

/** PUT /users/me/config, with If-Match when given. */
export const putConfig = (token: string, json: Overrides, ifMatch?: string) =>
  client({ token }).users.me.config.$put({ json, header: ifMatch ? { "if-match": ifMatch } : {} });

/** GET /users/me/config, checked to answer 200. */
export async function getConfig(token: string) {
  const res = await client({ token }).users.me.config.$get();
  return { res, body: await bodyAt(res, 200) };
}

export const listModels = (token: string, section: Section, provider_name: string) =>
  client({ token }).users.me.config.models.$get({ query: { section, provider_name } });

/**
 * POST /users/me/config/verify_{section}. Raw: the verify routes are registered in a loop over
 * the sections, so AppType has no types for them.
 */
export const verifyKey = (
  token: string,
  section: Section,
  json: { provider: string; api_key?: string; model?: string; base_url?: string },
  worker?: Worker,
) => call(`/users/me/config/verify_${section}`, { method: "POST", json, token, worker });

/**
 * POST /users/me/config/import with `yaml` as the multipart file. Raw: the route reads its
 * multipart body itself, so the typed client has no form for it.
 */
export function uploadYaml(token: string, yaml: string, query = "", type = "application/yaml") {
  const form = new FormData();
  form.append("file", new File([yaml], "prefs.yaml", { type }));
  return call(`/users/me/config/import${query}`, { method: "POST", body: form, token });
}
