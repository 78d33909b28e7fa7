import type { ZodType } from "zod";
import { AppError, type ErrorCode } from "./errors";

/**
 * Parses JSON that we stored (or that a deployment setting holds) against its schema, and fails
 * closed with the given 503 code when it is unreadable: malformed JSON and a wrong shape alike
 * become a clear error, never a 500 and never a silent default.
 */
export function parseStoredJson<T>(text: string, schema: ZodType<T>, code: ErrorCode, detail: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(code, `${detail}: not JSON`);
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new AppError(code, `${detail}: ${result.error.issues[0]?.message ?? "wrong shape"}`);
  return result.data;
}
