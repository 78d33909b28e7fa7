/** Timestamps are ISO 8601 strings in UTC with milliseconds (see db/schema.ts). */
export const nowIso = () => new Date().toISOString();

/** Whole seconds until `iso`, or 0 when it is absent or past. */
export function secondsUntil(iso: string | null, now = Date.now()): number {
  if (!iso) return 0;
  const at = Date.parse(iso);
  return at > now ? Math.ceil((at - now) / 1000) : 0;
}
