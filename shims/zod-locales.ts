// `z.locales` and `z.core.locales` for shims/zod.ts: English only, the locale zod uses by default.
export { default as en } from "zod/v4/locales/en.js";
