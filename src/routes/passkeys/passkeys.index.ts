import { createRouter } from "../../http/create-router";
import * as h from "./passkeys.handlers";
import * as r from "./passkeys.routes";

export const passkeysRouter = createRouter()
  .openapi(r.passkeyRegistrationOptions, h.passkeyRegistrationOptionsHandler)
  .openapi(r.registerPasskey, h.registerPasskeyHandler)
  .openapi(r.listPasskeys, h.listPasskeysHandler)
  .openapi(r.renamePasskey, h.renamePasskeyHandler)
  .openapi(r.deletePasskey, h.deletePasskeyHandler)
  .openapi(r.passkeyLoginOptions, h.passkeyLoginOptionsHandler)
  .openapi(r.loginPasskey, h.loginPasskeyHandler);
