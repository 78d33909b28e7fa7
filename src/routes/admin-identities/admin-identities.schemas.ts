import { z } from "@hono/zod-openapi";
import { IdentityIdParam } from "../../http/schemas/identity";

const uid = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: "uid", in: "path" } });

export const UserIdentitiesParams = z.object({ uid });
export const UserIdentityParams = z.object({ uid, identity_id: IdentityIdParam });
