import { createRouter } from "../../http/create-router";
import {
  confirmTotpHandler,
  disableTotpHandler,
  getMfaStatusHandler,
  loginMfaHandler,
  reauthenticateHandler,
  reauthenticatePasskeyOptionsHandler,
  regenerateRecoveryCodesHandler,
  startTotpHandler,
} from "./mfa.handlers";
import {
  confirmTotp,
  disableTotp,
  getMfaStatus,
  loginMfa,
  reauthenticate,
  reauthenticatePasskeyOptions,
  regenerateRecoveryCodes,
  startTotp,
} from "./mfa.routes";

export const mfaRouter = createRouter()
  .openapi(getMfaStatus, getMfaStatusHandler)
  .openapi(startTotp, startTotpHandler)
  .openapi(confirmTotp, confirmTotpHandler)
  .openapi(disableTotp, disableTotpHandler)
  .openapi(regenerateRecoveryCodes, regenerateRecoveryCodesHandler)
  .openapi(reauthenticatePasskeyOptions, reauthenticatePasskeyOptionsHandler)
  .openapi(reauthenticate, reauthenticateHandler)
  .openapi(loginMfa, loginMfaHandler);
