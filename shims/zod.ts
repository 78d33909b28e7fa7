// What `import ... from "zod"` means in this project, for @hono/zod-openapi (whose `z` every schema
// here is built with) and for our own imports: zod's classic API (the modules of `zod/v4`), every
// type of it, but as values only the entry points this code base calls. Wired in three places that
// must agree: the `[alias]` in wrangler.toml (deploy, `wrangler dev`, the e2e suite and the
// benchmark bundle), the same alias in vitest.config.ts (the Workers test pool bundles with Vite),
// and `paths` in tsconfig.json, so the types are this module's: calling a `z.` function not listed
// here is a type error ("Property 'x' does not exist on type 'typeof import(".../shims/zod")'"),
// never `undefined` at runtime. To use one, add it below.
//
// Why: @hono/zod-openapi passes the whole `z` namespace around as a value, so a bundler must keep
// every export of it, and zod's full namespace carries every locale (~40 kB gzip), the compiler
// and fromJSONSchema (~12 kB), and every schema type (~16 kB). Schemas, methods (`.optional()`,
// `.extend()`, `.openapi()`, ...), validation and the English messages are zod's own code,
// unchanged: zod registers English itself when the first schema is built.
// Sizes and how to check: docs/performance.md, "Bundle size".
import * as z from "./zod";

export type * from "zod/v4";
export {
  array,
  boolean,
  coerce,
  email,
  enum,
  iso,
  lazy,
  literal,
  number,
  object,
  partialRecord,
  record,
  strictObject,
  string,
  union,
  unknown,
  url,
  // @hono/zod-openapi adds `.openapi()` to ZodType.prototype.
  ZodType,
} from "zod/v4";
export { z, z as default };
