import { createServer, type Server } from "node:http";

export interface StaticSite {
  origin: string;
  close: () => Promise<void>;
}

/**
 * A stand-in frontend: one empty HTML page on its own port, so a real browser has an origin to
 * run the page's fetches and forms from. Everything the test does happens in page scripts.
 */
export function startStaticSite(port: number, host = "localhost"): Promise<StaticSite> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><html><head><title>frontend</title></head><body></body></html>");
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({
        origin: `http://${host}:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
