import { z } from "@hono/zod-openapi";
import { booleanQuery } from "../../http/schemas/common";

export const StartLoginQuery = z.object({
  frontend_callback_uri: z.string().max(2048).optional(),
  link: booleanQuery(),
});

export const AuthorizationUrlSchema = z.object({ authorization_url: z.string() });

export const LoginCallbackQuery = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  iss: z.string().max(2048).optional(),
});

export const LoginCodeExchangeSchema = z
  .strictObject({ code: z.string().min(1).max(100) })
  .openapi("LoginCodeExchange");
