import { createServer, type Server } from "node:http";

export const FAKE_KEY = "sk-loopback-test-key-4242";
export const FAKE_MODELS = ["local-model", "local-model-2"];

/**
 * A tiny OpenAI-compatible provider on 127.0.0.1: `GET /v1/models` answers the model list (as
 * OpenAI's does) for `Authorization: Bearer FAKE_KEY`, 401 with OpenAI's error shape otherwise.
 */
export async function startFakeOpenAi(): Promise<{
  baseUrl: string;
  requests: string[];
  close: () => Promise<void>;
}> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    if (req.method !== "GET" || req.url !== "/v1/models") {
      res
        .writeHead(404)
        .end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) {
      res
        .writeHead(401)
        .end(
          JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }),
        );
      return;
    }
    const data = FAKE_MODELS.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "test" }));
    res.writeHead(200).end(JSON.stringify({ object: "list", data }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
