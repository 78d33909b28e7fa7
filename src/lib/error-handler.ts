import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, ValidationError } from "./errors";
import type { AppEnv } from "./types";

/** Maps every thrown error to the error model, in one place. Never leaks a stack trace. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ValidationError) return c.json({ detail: err.issues }, 422);
  if (err instanceof AppError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json({ detail: err.detail, code: err.code }, err.status);
  }
  if (err instanceof HTTPException) return fromHttpException(err, c);
  // Unexpected: log for the operator (with the request id), answer generically.
  console.error(`[${c.get("requestId") ?? "-"}] unhandled error: ${err.name}: ${err.message}`);
  return c.json({ detail: "Internal server error", code: "internal_error" }, 500);
}

function fromHttpException(err: HTTPException, c: Context<AppEnv>): Response {
  switch (err.status) {
    case 400:
      // hono's JSON validator throws this for an unparsable body.
      return c.json({ detail: "Request body is not valid JSON", code: "invalid_json" }, 400);
    case 413:
      return c.json({ detail: "Request body is too large", code: "payload_too_large" }, 413);
    case 415:
      return c.json(
        {
          detail: "Unsupported content type: this endpoint expects application/json",
          code: "unsupported_media_type",
        },
        415,
      );
    default:
      return c.json({ detail: err.message || "Request failed", code: "http_error" }, err.status);
  }
}
