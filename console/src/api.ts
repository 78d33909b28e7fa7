import { type ApiClient, createApiClient, type Schema } from "../../client/index";

/** The console is served by the Worker itself: same origin, the session cookie signs requests. */
export const api: ApiClient = createApiClient("");

export type User = Schema<"User">;

/** A readable sentence for any error answer: `{detail, code}` or the 422 list of `{loc, msg}`. */
export function errorText(error: unknown, fallback = "The request failed"): string {
  if (typeof error !== "object" || error === null || !("detail" in error)) return fallback;
  const detail: unknown = error.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item: unknown) => {
        if (typeof item !== "object" || item === null) return "";
        const loc = "loc" in item && Array.isArray(item.loc) ? item.loc.slice(1).join(".") : "";
        const msg = "msg" in item && typeof item.msg === "string" ? item.msg : "invalid";
        return loc ? `${loc}: ${msg}` : msg;
      })
      .filter(Boolean)
      .join("; ");
  }
  return fallback;
}

/**
 * What a 422 answer says about one body field (items whose `loc` is `["body", name]`), so a form
 * can show it next to that field; undefined when the answer says nothing about it.
 */
export function fieldError(error: unknown, name: string): string | undefined {
  if (typeof error !== "object" || error === null || !("detail" in error)) return undefined;
  const detail: unknown = error.detail;
  if (!Array.isArray(detail)) return undefined;
  const messages = detail.flatMap((item: unknown) =>
    typeof item === "object" &&
    item !== null &&
    "loc" in item &&
    Array.isArray(item.loc) &&
    item.loc[0] === "body" &&
    item.loc[1] === name &&
    "msg" in item &&
    typeof item.msg === "string"
      ? [item.msg]
      : [],
  );
  return messages.length ? messages.join("; ") : undefined;
}

/** The machine-readable `code` of an error answer, when it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** The live region every view reports into (announced by screen readers). */
export function notify(message: string, kind: "ok" | "error" = "ok"): void {
  const region = document.getElementById("status");
  if (!region) return;
  region.textContent = message;
  region.className = `status ${kind}`;
}
