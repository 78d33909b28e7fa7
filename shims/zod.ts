// What `import ... from "zod"` means in this project: zod's classic API (the same modules as
// `zod/v4`) minus what nothing here uses and what costs most of its bundle size — every locale but
// English, the ahead-of-time compiler (`compile`, `withParser`) and `fromJSONSchema`. Wired in three
// places that must agree: the `[alias]` in wrangler.toml (deploy, `wrangler dev`, the e2e suite and
// the benchmark bundle through it), the same alias in vitest.config.ts (the Workers test pool,
// which bundles with Vite), and `paths` in tsconfig.json, so the types are this module's too:
// using something removed here is a type error, never `undefined` at runtime.
// Why and how to check it: docs/performance.md, "Bundle size".
//
// Everything else is zod's own code, unchanged, so validation and its English messages are the
// same; zod registers English as the default locale itself when the first schema is built.
import * as z from "./zod";

// Local exports take precedence over the names `export *` brings in, which is how the star
// re-export below is trimmed: `z`, `core` and `locales` are replaced, the rest is zod's.
export * from "zod/v4";
export * as core from "./zod-core";
export * as locales from "./zod-locales";
export { z, z as default };

/** Not bundled (see above). */
export const compile = undefined;
/** Not bundled (see above). */
export const withParser = undefined;
/** Not bundled (see above). */
export const fromJSONSchema = undefined;
