import type { AppRouteHandler } from "../../http/app-env";
import type { health } from "./system.routes";

export const healthHandler: AppRouteHandler<typeof health> = (c) => c.json({ status: "ok" as const }, 200);
