import { createRouter } from "../../http/create-router";
import * as h from "./api-keys.handlers";
import * as r from "./api-keys.routes";

/** Personal API keys: a user's own, and administrators listing and revoking anyone's. */
export const apiKeysRouter = createRouter()
  .openapi(r.createMyKey, h.createMyKeyHandler)
  .openapi(r.listMyKeys, h.listMyKeysHandler)
  .openapi(r.revokeMyKey, h.revokeMyKeyHandler)
  .openapi(r.listUserKeys, h.listUserKeysHandler)
  .openapi(r.revokeUserKey, h.revokeUserKeyHandler);
