import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, ValidationError } from "../core/errors";
import type { AppEnv } from "./app-env";

/** Maps every thrown error to the error model, in one place. Never leaks a stack trace. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ValidationError) return c.json({ detail: err.issues }, 422);
  if (err instanceof AppError) return sendError(c, err);
  if (err instanceof HTTPException) return sendError(c, fromHttpException(err));
  // Unexpected: log for the operator (with the request id), answer generically.
  console.error(`[${c.get("requestId") ?? "-"}] unhandled error: ${err.name}: ${err.message}`);
  return sendError(c, new AppError("internal_error", "Internal server error"));
}

/** The `{"detail","code"}` answer with the catalog's status and the error's headers. */
export function sendError(c: Context<AppEnv>, err: AppError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json({ detail: err.detail, code: err.code }, err.status);
}

/** hono's own exceptions (body parsing and limits), mapped onto the catalog. */
function fromHttpException(err: HTTPException): AppError {
  return err.status === 400
    ? new AppError("invalid_json", "Request body is not valid JSON")
    : err.status === 413
      ? new AppError("payload_too_large", "Request body is too large")
      : err.status === 415
        ? new AppError(
            "unsupported_media_type",
            "Unsupported content type: this endpoint expects application/json",
          )
        : new AppError("bad_request", err.message || "Request failed");
}
