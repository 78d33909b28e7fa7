import { boundedFetch, type OutboundPolicy, type OutboundResult } from "./outbound";
import type { ModelListing, ProviderEntry } from "./provider-catalog";

/** The headers a provider documents for authenticating with `key` (catalog `auth`). */
export function authHeaders(entry: ProviderEntry, key: string | null): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json", ...(entry.headers ?? {}) };
  if (key && entry.auth.kind === "bearer") headers.authorization = `Bearer ${key}`;
  if (key && entry.auth.kind === "header") headers[entry.auth.header] = `${entry.auth.prefix ?? ""}${key}`;
  return headers;
}

export const VERIFY_STATUSES = [
  "valid",
  "invalid_credentials",
  "forbidden",
  "no_credit",
  "rate_limited",
  "unreachable",
  "timeout",
  "provider_error",
  "invalid_request",
] as const;
export type VerifyStatus = (typeof VERIFY_STATUSES)[number];

const DETAIL: Record<VerifyStatus, string> = {
  valid: "The provider accepted the key",
  invalid_credentials: "The provider rejected the key",
  forbidden: "The key is valid but lacks permission for this request",
  no_credit: "The key is valid but the account has no credit",
  rate_limited: "The provider is rate limiting this key; try again later",
  unreachable: "The provider could not be reached",
  timeout: "The provider did not answer in time",
  provider_error: "The provider answered with an error; this says nothing about the key",
  invalid_request: "The provider refused the request as malformed (check base_url and model)",
};

/** Our own words for a provider's answer; the provider's body is never passed on. */
export function classify(
  entry: ProviderEntry,
  result: OutboundResult,
): { status: VerifyStatus; detail: string } {
  const status = classifyStatus(entry, result);
  return { status, detail: DETAIL[status] };
}

function classifyStatus(entry: ProviderEntry, result: OutboundResult): VerifyStatus {
  if (result.kind !== "response") return result.kind;
  const code = result.status;
  if (code >= 200 && code < 300) return "valid";
  const quirks = entry.quirks ?? {};
  if (code === 401)
    return quirks.permissionMarkerOn401 && result.body.includes(quirks.permissionMarkerOn401)
      ? "forbidden"
      : "invalid_credentials";
  if (code === 403) return "forbidden";
  if (code === 402) return "no_credit";
  if (code === 429) return "rate_limited";
  if (code === 400 && quirks.badKeyAs400) return "invalid_credentials";
  if (code >= 400 && code < 500) return "invalid_request";
  return "provider_error";
}

export function verifyKey(entry: ProviderEntry, baseUrl: string, key: string | null, policy: OutboundPolicy) {
  return boundedFetch(`${baseUrl}${entry.verify.path}`, authHeaders(entry, key), policy);
}

/** Extracts model ids from a model-list answer, as the catalog entry describes. */
export function parseModelList(listing: ModelListing, body: string): string[] | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const items = listing.arrayField === "" ? json : jsonField(json, listing.arrayField);
  if (!Array.isArray(items)) return null;
  const ids: string[] = [];
  for (const item of items) {
    if (listing.filterField && jsonField(item, listing.filterField) !== true) continue;
    const id = jsonField(item, listing.idField);
    if (typeof id === "string")
      ids.push(
        listing.stripPrefix && id.startsWith(listing.stripPrefix) ? id.slice(listing.stripPrefix.length) : id,
      );
  }
  return ids;
}

/** A named field of a parsed JSON value, or undefined. */
export function jsonField(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && name in value ? Reflect.get(value, name) : undefined;
}
