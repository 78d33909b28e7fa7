import { afterEach, vi } from "vitest";

/**
 * Fakes the providers at the HTTP boundary: replaces global fetch (the Worker's code runs in the
 * test isolate) and records every outbound request so tests can assert method, URL and headers.
 */
export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  redirect: string | undefined;
  /** The request body as text ("" when none). */
  body: string;
}

export function fakeProvider(respond: (req: Recorded) => Response | Promise<Response>) {
  const calls: Recorded[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const recorded: Recorded = {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      redirect: init?.redirect,
      body: await request.text(),
    };
    calls.push(recorded);
    return respond(recorded);
  });
  return calls;
}

afterEach(() => {
  vi.restoreAllMocks();
});

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
