import { z } from "@hono/zod-openapi";
import { ERROR_CODES, type ErrorStatus } from "../../core/errors";
import { PASSWORD_INPUT_MAX_LENGTH } from "../../domain/passwords/new-password";
import { JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT } from "../body-limits";

export const ErrorSchema = z
  .object({
    detail: z.string().openapi({ example: "Authentication required" }),
    code: z.string().openapi({ example: "unauthorized" }),
  })
  .openapi("Error");

export const ValidationErrorSchema = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.number()])),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .openapi("ValidationError");

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true as const,
});

/** A documented error answer: the shared schema (or, for some 422s, either shape) and its meaning. */
export interface ErrorResponse {
  content: { "application/json": { schema: z.ZodType } };
  description: string;
}

/** Security requirement: a session cookie or the same token as a Bearer header. */
export const sessionSecurity: Record<string, string[]>[] = [{ cookieSession: [] }, { bearerToken: [] }];
/** A session, or a personal API key holding `scope` (see http/credentials/scopes.ts). */
export const scopedSecurity = (scope: string): Record<string, string[]>[] => [
  ...sessionSecurity,
  { personalApiKey: [scope] },
];
/** A service account's API key holding `scope`. */
export const serviceSecurity = (scope: string): Record<string, string[]>[] => [
  { serviceAccountKey: [scope] },
];
/** Security requirement of a public route: none (stated, so the document says so explicitly). */
export const noSecurity: Record<string, string[]>[] = [];

/** What a route does that decides which errors it can answer; see `errorResponses`. */
export interface RouteTraits {
  /** "user": `requireUser`; "admin": `requireAdmin`; "public": no session needed. */
  auth: "public" | "user" | "admin";
  /** A `requireUser` route left open while a password change is pending (http/authenticate.ts). */
  beforePasswordChange?: boolean;
  /** The scope a personal API key needs here (`requireScope`); the key may lack it (403). */
  scope?: string;
  /** A `requireUser` route left open to a user who must enrol a second factor first (same file). */
  beforeMfaEnrolment?: boolean;
  /** The request body the route reads, if any. */
  body?: "json" | "multipart";
  /** The route validates query, path or header parameters. */
  params?: boolean;
  /** Statuses the route's own logic answers, each with what it means here. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const kib = (bytes: number) => `${bytes / 1024} KiB`;

/** The standard errors implied by the traits (the middleware and validators every route shares). */
function standardErrors(traits: RouteTraits): Partial<Record<ErrorStatus, string>> {
  const standard: Partial<Record<ErrorStatus, string>> = {};
  if (traits.body === "json") {
    standard[400] = "The body is not valid JSON (`invalid_json`)";
    standard[413] = `The body is larger than ${kib(JSON_BODY_LIMIT)} (\`payload_too_large\`)`;
    standard[415] = "The body is not `application/json` (`unsupported_media_type`)";
  } else if (traits.body === "multipart") {
    standard[400] = "The multipart body could not be read (`invalid_multipart`, `missing_file`)";
    standard[413] = `The upload is larger than ${kib(UPLOAD_BODY_LIMIT)} (\`payload_too_large\`)`;
    standard[415] = "The body is not `multipart/form-data` (`unsupported_media_type`)";
  }
  if (traits.auth !== "public") standard[401] = "Not signed in, or the session ended (`unauthorized`)";
  const gates = [
    ...(traits.auth === "admin" ? ["administrator role required (`forbidden`)"] : []),
    ...(traits.beforePasswordChange ? [] : ["a password change is pending (`password_change_required`)"]),
    ...(traits.beforeMfaEnrolment
      ? []
      : ["a second factor must be set up first (`mfa_enrollment_required`)"]),
  ];
  if (traits.auth !== "public" && gates.length > 0) {
    const sentence =
      gates.length > 1 ? `${gates.slice(0, -1).join(", ")}, or ${gates.at(-1)}` : gates.join("");
    standard[403] = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  if (traits.scope) {
    const lacking = `A personal API key without \`${traits.scope}\` (\`insufficient_scope\`)`;
    standard[403] = standard[403] ? `${standard[403]}; or ${lowerFirst(lacking)}` : lacking;
  }
  if (traits.body || traits.params) standard[422] = "The request did not validate";
  standard[500] = "A bug (`internal_error`); the request id is in the log";
  return standard;
}

/**
 * Every error response a route can give, with the shared schemas: the standard ones its traits
 * imply (body parsing and limits, authentication, validation, internal errors) and the route's
 * own. Spread into `responses` of every route, so a new route cannot forget the standard ones;
 * test/contract/openapi-contract.test.ts checks the published document against the traits.
 * A 422 in `errors` is one the route answers with a code (e.g. `base_url_refused`): that 422 may
 * have either error shape. (Checks in handlers that answer in the validation shape need no entry.)
 */
export function errorResponses(traits: RouteTraits): Partial<Record<ErrorStatus, ErrorResponse>> {
  const standard = standardErrors(traits);
  const own = traits.errors ?? {};
  const responses: Partial<Record<ErrorStatus, ErrorResponse>> = {};
  for (const status of ERROR_STATUSES) {
    const mine = own[status];
    const theirs = standard[status];
    const description = theirs && mine ? `${theirs}; or ${lowerFirst(mine)}` : (theirs ?? mine);
    if (!description) continue;
    if (status !== 422) responses[status] = jsonContent(ErrorSchema, description);
    else if (own[422] === undefined) responses[status] = jsonContent(ValidationErrorSchema, description);
    else responses[status] = jsonContent(z.union([ValidationErrorSchema, ErrorSchema]), description);
  }
  return responses;
}

/** Every status an error answer can have, ascending (from the catalog). */
const ERROR_STATUSES: ErrorStatus[] = [...new Set(Object.values(ERROR_CODES).map((e) => e.status))].sort(
  (a, b) => a - b,
);

/** The 401 of a step-up route (`requireStepUp`, http/authenticate.ts), for `errors`. */
export const STEP_UP_REQUIRED = "The last authentication is too old (`reauthentication_required`)";
/** Every passkey route's 503. */
export const WEBAUTHN_MISCONFIGURED =
  "WEBAUTHN_RP_ID / WEBAUTHN_ORIGINS are not set in production (`misconfigured`)";

export const OkSchema = z.object({ ok: z.literal(true) }).openapi("Ok");

/** The spellings of a boolean query parameter clients of the original API send, in any case. */
const BOOLEAN_SPELLINGS = /^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$/;

/**
 * A boolean query parameter: `true`/`false`/`1`/`0`, case-insensitive; absent means `fallback`.
 * Anything else is a 422. The published pattern is flag-free ECMA-262 (no `i` needed).
 */
export const booleanQuery = (fallback = false) =>
  z
    .string()
    .regex(BOOLEAN_SPELLINGS, "Expected true, false, 1 or 0")
    .default(fallback ? "true" : "false")
    .transform((value) => value === "1" || value.toLowerCase() === "true")
    .openapi({ example: "true" });

/** A boolean query filter: the same spellings as `booleanQuery`; absent means "either". */
export const optionalBooleanQuery = z
  .string()
  .regex(BOOLEAN_SPELLINGS, "Expected true, false, 1 or 0")
  .optional()
  .transform((value) => (value === undefined ? undefined : value === "1" || value.toLowerCase() === "true"))
  .openapi({ example: "true" });

export const PaginationSchema = z
  .object({
    page: z.number().int(),
    per_page: z.number().int(),
    total_items: z.number().int(),
    total_pages: z.number().int(),
  })
  .openapi("Pagination");

/** Page parameters shared by every paginated list (`per_page` 1..100). */
export const pageQuery = (defaultPerPage: number) => ({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(defaultPerPage),
});

export const paginationOf = (page: number, perPage: number, total: number) => ({
  page,
  per_page: perPage,
  total_items: total,
  total_pages: Math.ceil(total / perPage),
});

/** Every password field on the wire: one cap; the password policy decides the rest (422). */
export const passwordInput = z.string().min(1).max(PASSWORD_INPUT_MAX_LENGTH);
