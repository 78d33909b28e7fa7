import { AppError } from "./errors";

/**
 * The one origin parser: FRONTEND_ORIGINS entries, the `Origin` request header and the frontend
 * URI check all go through it, so CSRF, CORS and redirects agree on what "the same origin" is.
 * Returns the WHATWG serialisation (`https://app.example.com`, default port dropped, host
 * lower-cased and IDNA-encoded) of an http(s) origin, or null for anything that is not one
 * exactly: a path, query, fragment or userinfo, the opaque origin `null`, other schemes.
 */
export function parseOrigin(raw: string): string | null {
  if (raw.length > 512 || !/^https?:\/\/[^/?#\\@\s]+\/?$/i.test(raw)) return null;
  try {
    const url = new URL(raw);
    return url.origin === "null" ? null : url.origin;
  } catch {
    return null;
  }
}

/**
 * A comma-separated list of origins (FRONTEND_ORIGINS), normalised. A malformed entry is a
 * configuration error, never silently dropped: an operator who typed a path or a wildcard learns
 * it from the 503 instead of wondering why their frontend is refused.
 */
export function parseOriginList(raw: string | undefined, name: string): string[] {
  const entries = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const origin = parseOrigin(entry);
    if (!origin) {
      throw new AppError(
        "misconfigured",
        `Configuration ${name} has an entry that is not an origin: ${entry}`,
      );
    }
    return origin;
  });
}
