import { createRouter } from "../../http/create-router";
import { loginLocalHandler, logoutHandler, updatePasswordHandler } from "./auth.handlers";
import { loginLocal, logout, updatePassword } from "./auth.routes";

export const authRouter = createRouter()
  .openapi(loginLocal, loginLocalHandler)
  .openapi(logout, logoutHandler)
  .openapi(updatePassword, updatePasswordHandler);
