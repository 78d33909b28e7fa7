export {};

// Starts Swagger UI (swagger-ui-dist's standalone bundle, loaded by /reference/index.html before this
// module) on the Worker's own OpenAPI document. A module file, not an inline script, for a strict CSP.
interface SwaggerUiOptions {
  url: string;
  dom_id: string;
  deepLinking: boolean;
  tryItOutEnabled: boolean;
  withCredentials: boolean;
}
declare global {
  interface Window {
    SwaggerUIBundle?: (options: SwaggerUiOptions) => unknown;
  }
}

const root = document.getElementById("swagger-ui");
if (root && window.SwaggerUIBundle) {
  window.SwaggerUIBundle({
    url: root.dataset.specUrl ?? "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    withCredentials: true,
  });
}
