import { z } from "@hono/zod-openapi";
import { passwordInput } from "../../http/schemas/common";

export const LocalLoginRequestSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(150),
    password: passwordInput,
  })
  .openapi("LocalLoginRequest");

export const PasswordUpdateRequestSchema = z
  .strictObject({
    current_password: passwordInput,
    new_password: passwordInput,
  })
  .openapi("PasswordUpdateRequest");
