/**
 * D1 reports a broken constraint as an error whose message (or cause) names it. These recognise
 * the two a valid request can run into when it races another one, so callers answer a clear 4xx.
 */
const mentions = (error: unknown, pattern: RegExp) =>
  error instanceof Error && pattern.test(`${error.message} ${String(error.cause ?? "")}`);

export const isUniqueViolation = (error: unknown) => mentions(error, /UNIQUE constraint failed/i);

/** A row referring to one that is gone (e.g. a user assigned to a group deleted meanwhile). */
export const isForeignKeyViolation = (error: unknown) => mentions(error, /FOREIGN KEY constraint failed/i);
