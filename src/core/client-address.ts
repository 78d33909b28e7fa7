/**
 * The key a per-client throttle counts under: an IPv4 address as it is, an IPv6 address by its
 * /64 prefix, because one subscriber usually holds a whole /64 and could otherwise rotate through
 * 2^64 addresses to escape the limit. Anything else (IPv4-mapped, unparsable) counts as itself.
 */
export function throttleAddress(ip: string | null): string {
  if (!ip) return "unknown";
  const lower = ip.toLowerCase();
  if (!lower.includes(":") || lower.includes(".")) return lower;
  const groups = expandIpv6(lower.split("%")[0] ?? "");
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : lower;
}

/** The eight hextets of an IPv6 address without leading zeros, or null. */
function expandIpv6(address: string): string[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const part = (text: string | undefined) => (text ? text.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}
