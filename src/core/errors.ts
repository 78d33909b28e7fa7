import type { ZodError } from "zod";

/** The statuses an error answer can have (a subset of what hono's `c.json` accepts). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

/**
 * The closed catalog of error codes: every `{"detail","code"}` answer uses one of these, with this
 * status. Clients may branch on `code`; `detail` is for a person and may vary. The README's
 * "Errors" table is checked against this object by test/platform/error-catalog.test.ts.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, meaning: "The request body is not valid JSON" },
  bad_request: { status: 400, meaning: "The request could not be read" },
  invalid_multipart: { status: 400, meaning: "The multipart body could not be read" },
  missing_file: { status: 400, meaning: "The multipart body has no single field named `file`" },
  invalid_yaml: { status: 400, meaning: "The uploaded YAML is malformed or uses a forbidden feature" },
  invalid_state: { status: 400, meaning: "Unknown, expired, replayed or other-browser OIDC state" },
  invalid_login_code: { status: 400, meaning: "Unknown, used, expired or other-browser sign-in code" },
  invalid_mfa_challenge: {
    status: 400,
    meaning: "Unknown, expired or used second-factor sign-in challenge",
  },
  no_local_password: { status: 400, meaning: "The account signs in through OIDC and has no password" },
  unauthorized: { status: 401, meaning: "Not signed in, or the session ended" },
  reauthentication_required: {
    status: 401,
    meaning: "Sign in again first: this needs a recent proof of who you are",
  },
  invalid_credentials: { status: 401, meaning: "Wrong username or password (never says which)" },
  invalid_passkey: {
    status: 401,
    meaning: "The passkey response is invalid, unknown, or for another challenge or site",
  },
  invalid_mfa_code: { status: 401, meaning: "Wrong, already used or expired second-factor code" },
  forbidden: { status: 403, meaning: "The caller's role does not allow this" },
  account_disabled: { status: 403, meaning: "The account is disabled or locked by an administrator" },
  password_change_required: { status: 403, meaning: "Change the password before anything else" },
  mfa_enrollment_required: { status: 403, meaning: "Set up a second factor before anything else" },
  wrong_password: { status: 403, meaning: "The current password is wrong" },
  cross_site_request: {
    status: 403,
    meaning: "A browser request from an origin not allowed to make it (see FRONTEND_ORIGINS)",
  },
  insufficient_scope: {
    status: 403,
    meaning: "The API key lacks the scope this route needs, or API keys cannot call it",
  },
  policy_forbidden: {
    status: 403,
    meaning: "The group policy does not allow this provider, model or setting",
  },
  not_found: { status: 404, meaning: "No such route or object" },
  unknown_provider: { status: 404, meaning: "The provider is not in the catalog for this section" },
  method_not_allowed: { status: 405, meaning: "The route exists but not for this method (see `Allow`)" },
  username_taken: { status: 409, meaning: "The username is taken (also by a deleted user)" },
  group_name_taken: { status: 409, meaning: "A group with this name exists" },
  reserved_group: { status: 409, meaning: "The `ungrouped` group cannot be renamed or deleted" },
  last_admin: { status: 409, meaning: "The change would leave no active administrator" },
  mfa_already_enabled: { status: 409, meaning: "A TOTP authenticator is already active" },
  mfa_not_enabled: { status: 409, meaning: "No such second factor is active or being enrolled" },
  password_changed: { status: 409, meaning: "The password changed meanwhile (a concurrent request)" },
  last_sign_in_method: { status: 409, meaning: "The change would leave the account no way to sign in" },
  api_key_limit: { status: 409, meaning: "The owner already has the most active API keys allowed" },
  service_account_name_taken: { status: 409, meaning: "A service account with this name exists" },
  no_provider_key: {
    status: 409,
    meaning:
      "No stored provider key usable here (unset, refused by the policy, or saved for another base URL)",
  },
  client_token_unsupported: {
    status: 409,
    meaning: "The provider has no short-lived client credential; use the resolved config from a backend",
  },
  precondition_failed: { status: 412, meaning: "`If-Match` does not match the current ETag" },
  payload_too_large: { status: 413, meaning: "JSON bodies over 64 KiB, uploads over 256 KiB" },
  unsupported_media_type: { status: 415, meaning: "The body has the wrong content type" },
  base_url_refused: { status: 422, meaning: "A provider base URL the outbound guard refuses" },
  rate_limited: { status: 429, meaning: "Too many requests from this client (see `Retry-After`)" },
  account_locked: { status: 429, meaning: "Too many failed sign-ins; locked for `Retry-After` seconds" },
  internal_error: { status: 500, meaning: "A bug: the request id is in the log" },
  provider_failed: {
    status: 502,
    meaning: "The provider refused or failed the request (its answer is not passed on)",
  },
  misconfigured: { status: 503, meaning: "A deployment setting is malformed" },
  storage_unavailable: { status: 503, meaning: "D1 or KV failed; try again after `Retry-After`" },
  oidc_not_configured: { status: 503, meaning: "OIDC sign-in is not configured here" },
  oidc_unavailable: { status: 503, meaning: "The identity provider could not be reached" },
  encryption_not_configured: { status: 503, meaning: "ENCRYPTION_KEY is missing or malformed" },
  access_tokens_not_configured: {
    status: 503,
    meaning: "ACCESS_TOKEN_JWKS is missing or malformed: no access tokens here",
  },
  policy_unreadable: { status: 503, meaning: "The stored group policy is unreadable (fails closed)" },
  preferences_unreadable: { status: 503, meaning: "Stored preferences are unreadable (fails closed)" },
} as const satisfies Record<string, { status: ErrorStatus; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error type code throws. Mapped to `{"detail","code"}` with the catalog's status in one
 * place (http/error-handler.ts); `headers` carry e.g. `Retry-After`.
 */
export class AppError extends Error {
  readonly status: ErrorStatus;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string = ERROR_CODES[code].meaning,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "AppError";
    this.status = ERROR_CODES[code].status;
  }
}

export const unauthorized = (detail = "Authentication required") => new AppError("unauthorized", detail);
export const forbidden = (detail = "You are not allowed to do this") => new AppError("forbidden", detail);
export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/** A 422 in the validation shape, for checks that zod alone cannot express (e.g. a real IANA zone). */
export class ValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => i.msg).join("; "));
    this.name = "ValidationError";
  }
}

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export const invalid = (loc: (string | number)[], msg: string, type = "value_error") =>
  new ValidationError([{ loc, msg, type }]);

/** zod issues → the `{"detail":[{"loc","msg","type"}]}` shape clients of the original API parse. */
export function zodIssuesToDetail(error: ZodError, target: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    loc: [target, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    msg: issue.message,
    type: issue.code,
  }));
}
