/**
 * The part of a client address that identifies one subscriber, for throttling: an IPv4 address
 * as it is, an IPv6 address by its /64. A subscriber usually holds a whole /64 (SLAAC, privacy
 * addresses), so keying on the full IPv6 address would give an attacker 2^64 fresh keys.
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as its IPv4 address. Anything unparsable is its
 * own key (still throttled, just not grouped).
 */
export function addressKey(ip: string): string {
  const address = (ip.split("%")[0] ?? "").trim().toLowerCase();
  if (!address.includes(":")) return address;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIpv6(address);
  if (!groups) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two), or null. */
function expandIpv6(address: string): string[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const split = (part: string | undefined) => (part ? part.split(":") : []);
  const widen = (groups: string[]) => groups.flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])); // the IPv4 tail is past the /64
  const head = widen(split(halves[0]));
  const tail = widen(split(halves[1]));
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : null;
}
