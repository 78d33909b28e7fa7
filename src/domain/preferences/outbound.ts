import { AppError } from "../../core/errors";

/**
 * Outbound calls to providers: only https to public hosts unless the deployment allows private
 * addresses (ALLOW_PRIVATE_PROVIDER_URLS, on for local development so Ollama on localhost works).
 * Refused before any request is made. Hostnames are checked as written; Workers' fetch does not
 * let us pin the resolved address, and `global_fetch_strictly_public` keeps our own zone out.
 */
export interface OutboundPolicy {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
}

const refuse = (why: string) => new AppError("base_url_refused", `base_url refused: ${why}`);

function isPrivateIPv4(host: string): boolean {
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a = 0, b = 0] = parts;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

/** Validates a provider base URL; returns it normalised without a trailing slash. */
export function checkBaseUrl(raw: string, policy: OutboundPolicy): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("not a URL");
  }
  if (url.username || url.password) throw refuse("credentials in the URL are not allowed");
  if (url.search || url.hash) throw refuse("no query string or fragment");
  // Every trailing dot: "localhost.." is localhost to a resolver.
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const isIpLiteral =
    /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[") || /^\d+$/.test(host) || /^0x/i.test(host);
  const isLocalName =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    !host.includes(".");
  if (!policy.allowPrivate) {
    if (url.protocol !== "https:") throw refuse("only https is allowed");
    // Only the standard https port: other ports reach admin panels and internal services.
    if (url.port !== "") throw refuse("only the standard https port (443) is allowed");
    if (isIpLiteral) throw refuse("IP addresses are not allowed, use a host name");
    if (isLocalName) throw refuse("local and internal host names are not allowed");
  } else if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse("only http(s) is allowed");
  }
  if (!policy.allowPrivate && isPrivateIPv4(host)) throw refuse("private addresses are not allowed");
  return url.toString().replace(/\/+$/, "");
}

export type OutboundResult =
  | { kind: "response"; status: number; body: string; latencyMs: number }
  | { kind: "timeout"; latencyMs: number }
  | { kind: "unreachable"; latencyMs: number };

/** A POST, with a JSON body when `json` is given; absent: a GET. */
export interface OutboundBody {
  method: "POST";
  json?: unknown;
}

/**
 * One bounded request: timeout, no redirects followed, at most `maxBytes` of body read. A GET, or a
 * POST of `body.json` as `application/json`.
 */
export async function boundedFetch(
  url: string,
  headers: Record<string, string>,
  policy: OutboundPolicy,
  payload?: OutboundBody,
): Promise<OutboundResult> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: payload ? payload.method : "GET",
      headers: payload?.json !== undefined ? { ...headers, "content-type": "application/json" } : headers,
      ...(payload?.json !== undefined ? { body: JSON.stringify(payload.json) } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
    // The deadline covers the body too: a provider that trickles bytes cannot hold us past it.
    const body = await readCapped(res, policy.maxBytes, started + policy.timeoutMs);
    return { kind: "response", status: res.status, body, latencyMs: Date.now() - started };
  } catch (error) {
    const latencyMs = Date.now() - started;
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
      return { kind: "timeout", latencyMs };
    return { kind: "unreachable", latencyMs };
  }
}

function timeoutAt(deadline: number): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(
      () => reject(new DOMException("The provider did not finish in time", "TimeoutError")),
      Math.max(0, deadline - Date.now()),
    ),
  );
}

async function readCapped(res: Response, maxBytes: number, deadline: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const expired = timeoutAt(deadline);
  expired.catch(() => undefined);
  while (total < maxBytes) {
    const { done, value } = await Promise.race([reader.read(), expired]).catch(async (error: unknown) => {
      await reader.cancel().catch(() => undefined);
      throw error;
    });
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(total, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}
