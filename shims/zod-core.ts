// `z.core` for shims/zod.ts: zod's core, without the locales (but English) and the compiler.
export * from "zod/v4/core";
export * as locales from "./zod-locales";

/** Not bundled (see shims/zod.ts). */
export const compile = undefined;
/** Not bundled (see shims/zod.ts). */
export const withParser = undefined;
/** Not bundled (see shims/zod.ts). */
export const compileFn = undefined;
