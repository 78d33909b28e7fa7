import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../core/errors";
import type { AppEnv } from "./app-env";

export const JSON_BODY_LIMIT = 64 * 1024;
export const UPLOAD_BODY_LIMIT = 256 * 1024;

const tooLarge = (limit: number) =>
  new AppError("payload_too_large", `Request body is larger than ${limit / 1024} KiB`);

const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_LIMIT,
  onError: () => {
    throw tooLarge(JSON_BODY_LIMIT);
  },
});
const uploadLimit = bodyLimit({
  maxSize: UPLOAD_BODY_LIMIT,
  onError: () => {
    throw tooLarge(UPLOAD_BODY_LIMIT);
  },
});

/** 64 KiB for JSON bodies; multipart uploads (YAML import) get 256 KiB. Checked while streaming. */
export const limitBodies = createMiddleware<AppEnv>(async (c, next) => {
  const isUpload = (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
  return (isUpload ? uploadLimit : jsonLimit)(c, next);
});
