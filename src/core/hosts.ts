/** Loopback host names as `URL.hostname` spells them (IPv6 keeps its brackets). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Plain http on a loopback host: development (`wrangler dev`), where Secure cookies cannot be set. */
export function isPlainHttpLoopback(url: URL): boolean {
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}
