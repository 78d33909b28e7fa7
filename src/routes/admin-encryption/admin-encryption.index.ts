import { createRouter } from "../../http/create-router";
import { reencryptKeysHandler } from "./admin-encryption.handlers";
import { reencryptKeys } from "./admin-encryption.routes";

export const adminEncryptionRouter = createRouter().openapi(reencryptKeys, reencryptKeysHandler);
