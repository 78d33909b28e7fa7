import { z } from "@hono/zod-openapi";

export const LocalLoginRequestSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(150),
    password: z.string().min(1).max(1024),
  })
  .openapi("LocalLoginRequest");

export const PasswordUpdateRequestSchema = z
  .strictObject({
    current_password: z.string().min(1).max(1024),
    new_password: z.string().min(1).max(1024),
  })
  .openapi("PasswordUpdateRequest");
