import { createRouter } from "../../http/create-router";
import { healthHandler } from "./system.handlers";
import { health } from "./system.routes";

export const systemRouter = createRouter().openapi(health, healthHandler);
