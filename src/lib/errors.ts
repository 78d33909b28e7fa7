import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error type handlers throw. `code` is a stable machine-readable identifier clients may
 * branch on; `detail` is for a person. Mapped to `{"detail","code"}` in one place (app onError).
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "AppError";
  }
}

export const unauthorized = (detail = "Authentication required") => new AppError(401, "unauthorized", detail);
export const forbidden = (detail = "You are not allowed to do this") =>
  new AppError(403, "forbidden", detail);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const conflict = (code: string, detail: string) => new AppError(409, code, detail);
export const badRequest = (code: string, detail: string) => new AppError(400, code, detail);

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
