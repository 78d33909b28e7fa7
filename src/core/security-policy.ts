/**
 * The security headers' values, with no imports: the Worker's `securityHeaders` middleware sets
 * them on its answers, and scripts/build-console.mjs writes them into the static assets' `_headers`
 * file for the pages the Worker never sees (the console, the reference UI). One source for both.
 * Decisions: docs/browser-security.md.
 */

/** HTML (console, API reference): scripts, styles and fonts from this origin only, no inline script. */
export const HTML_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** Anything else (JSON): nothing to load, never framed, even if a browser were to render it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
export const HSTS = "max-age=31536000; includeSubDomains";

/** Headers every answer carries, whatever serves it. */
export const COMMON_SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  // No URL of ours (OIDC callback with code and state, sign-in pages) ever leaves as a Referer.
  "Referrer-Policy": "no-referrer",
} as const;
