/** Reads the storage counts our Server-Timing header reports. */
export function storageCounts(res: { headers: Headers }) {
  const header = res.headers.get("server-timing") ?? "";
  const desc = (name: string) => new RegExp(`${name};desc="([^"]*)"`).exec(header)?.[1] ?? "";
  const count = (text: string, word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? 0);
  const kv = desc("kv");
  return {
    header,
    d1: count(desc("d1"), "round trip"),
    kvRead: count(kv, "read"),
    kvWrite: count(kv, "write"),
    kvDelete: count(kv, "delete"),
    kvList: count(kv, "list"),
  };
}
