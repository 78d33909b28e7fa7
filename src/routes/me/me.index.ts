import { createRouter } from "../../http/create-router";
import { getMeHandler, getProfileHandler, updateProfileHandler } from "./me.handlers";
import { getMe, getProfile, updateProfile } from "./me.routes";

export const meRouter = createRouter()
  .openapi(getMe, getMeHandler)
  .openapi(getProfile, getProfileHandler)
  .openapi(updateProfile, updateProfileHandler);
