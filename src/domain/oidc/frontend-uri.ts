import { parseOrigin } from "../../core/origins";

/**
 * Where the browser may be sent after sign-in: only under an origin of FRONTEND_ORIGINS (exact
 * scheme, host and port; any path). The string is parsed once with the WHATWG URL parser, and
 * the *serialised* URL is what we store and redirect to, so userinfo tricks, backslashes,
 * scheme-relative forms and look-alike hosts cannot smuggle another destination.
 */
export function allowedFrontendUri(raw: string, allowedOrigins: string[]): string | null {
  const hasControlOrSpace = [...raw].some((ch) => ch <= " " || ch === "\\" || ch === "\u007f");
  if (raw.length > 2048 || hasControlOrSpace || !/^https?:\/\//i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const origins = allowedOrigins.map(parseOrigin).filter((o): o is string => o !== null);
  return origins.includes(url.origin) ? url.toString() : null;
}

/** Appends query parameters to the stored frontend URI (keeping its own query). */
export function withParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
