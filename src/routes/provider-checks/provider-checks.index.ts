import { SECTIONS } from "../../domain/preferences/provider-catalog";
import { createRouter } from "../../http/create-router";
import { listModelsHandler, verifyHandler } from "./provider-checks.handlers";
import { listModels, verifyRoute } from "./provider-checks.routes";

/** Model lists and key verification: the calls this service makes to providers for a user. */
export const providerChecksRouter = createRouter().openapi(listModels, listModelsHandler);
for (const section of SECTIONS) providerChecksRouter.openapi(verifyRoute(section), verifyHandler(section));
