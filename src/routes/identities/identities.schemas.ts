import { z } from "@hono/zod-openapi";
import { IdentityIdParam } from "../../http/schemas/identity";

export const MyIdentityParams = z.object({ identity_id: IdentityIdParam });
