import type { AppOpenAPI } from "./app-env";

export const API_PREFIX = "/api/v1";

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function registerOpenApi(app: AppOpenAPI): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieSession", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-session",
    description: "Session cookie set by sign-in (named `session` on plain-http localhost).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerToken", {
    type: "http",
    scheme: "bearer",
    description: "The `token` returned by sign-in.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "personalApiKey", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "eu_pk_…",
    description:
      "A personal API key (`POST /api/v1/users/me/api-keys`), sent as `Authorization: Bearer eu_pk_…`. " +
      "It calls only the routes that list it, and only with the scope they name.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "serviceAccountKey", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "eu_sk_…",
    description:
      "A service account's API key (`POST /api/v1/users/admin/service-accounts/{sa_id}/keys`), sent as " +
      "`Authorization: Bearer eu_sk_…`, with the scope the route names.",
  });
  app.doc31(`${API_PREFIX}/openapi.json`, {
    openapi: "3.1.0",
    info: {
      title: "Edge Users API",
      version: "1.0.0",
      description:
        "Users & identity at the edge: OIDC and local sign-in, sessions, profiles, provider preferences and " +
        'administration. Errors are `{"detail","code"}`; validation failures are 422 `{"detail":[{"loc","msg","type"}]}`. ' +
        "Every operation lists the statuses it can answer. Across the API, an unknown path answers 404 `not_found`, " +
        "and a known path called with a method it does not support answers 405 `method_not_allowed` with `Allow`. " +
        "A browser request that changes something (POST, PUT, PATCH, DELETE) without `Authorization: Bearer` must come " +
        "from this origin or one in FRONTEND_ORIGINS, or it answers 403 `cross_site_request`; CORS allows those origins only.",
    },
    servers: [{ url: "/" }],
  });
  // The reference UI is a static asset (swagger-ui-dist, built by scripts/build-console.mjs into
  // dist/assets/reference/): nothing is loaded from a CDN. Served here because /api/* runs the Worker first.
  app.get(`${API_PREFIX}/docs`, async (c) => {
    const page = await c.env.ASSETS.fetch(new URL("/reference/", c.req.url));
    return new Response(page.body, page);
  });
}
