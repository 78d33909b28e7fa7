import { z } from "zod";

/** The part of JSON Schema (OpenAPI 3.1 dialect) the API document uses; unknown keywords are ignored. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export const JsonSchemaZ: z.ZodType<JsonSchema> = z.lazy(() =>
  z.object({
    $ref: z.string().optional(),
    type: z.union([z.string(), z.array(z.string())]).optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    properties: z.record(z.string(), JsonSchemaZ).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.union([z.boolean(), JsonSchemaZ]).optional(),
    items: JsonSchemaZ.optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    pattern: z.string().optional(),
    format: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    anyOf: z.array(JsonSchemaZ).optional(),
    oneOf: z.array(JsonSchemaZ).optional(),
    allOf: z.array(JsonSchemaZ).optional(),
  }),
);

const ParameterZ = z.object({
  name: z.string(),
  in: z.enum(["path", "query", "header", "cookie"]),
  required: z.boolean().optional(),
  schema: JsonSchemaZ.optional(),
});
export type Parameter = z.infer<typeof ParameterZ>;

const OperationZ = z.object({
  parameters: z.array(ParameterZ).optional(),
  requestBody: z
    .object({
      required: z.boolean().optional(),
      content: z.record(z.string(), z.object({ schema: JsonSchemaZ.optional() })),
    })
    .optional(),
  responses: z.record(z.string(), z.unknown()),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
});

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const UPPER = { get: "GET", put: "PUT", post: "POST", delete: "DELETE", patch: "PATCH" } as const;

export const OpenApiDocumentZ = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.partialRecord(z.enum(METHODS), OperationZ)),
  components: z.object({ schemas: z.record(z.string(), JsonSchemaZ).optional() }).optional(),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocumentZ>;

/** One path + method of the document, reduced to what the fuzzer needs to build requests. */
export interface Operation {
  method: (typeof UPPER)[(typeof METHODS)[number]];
  /** The documented path, e.g. `/api/v1/users/admin/users/{uid}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, when the operation documents an `application/json` body. */
  jsonBody: { schema: JsonSchema; required: boolean } | undefined;
  /** Media types the operation documents for its body (empty when it documents none). */
  bodyMediaTypes: string[];
  documentedStatuses: string[];
  requiresSession: boolean;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const json = op.requestBody?.content["application/json"];
      operations.push({
        method: UPPER[method],
        path,
        parameters: op.parameters ?? [],
        jsonBody: json?.schema
          ? { schema: json.schema, required: op.requestBody?.required ?? false }
          : undefined,
        bodyMediaTypes: Object.keys(op.requestBody?.content ?? {}),
        documentedStatuses: Object.keys(op.responses),
        requiresSession: (op.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

/** Follows `#/components/schemas/Name` references. */
export function resolveRef(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const prefix = "#/components/schemas/";
  if (!schema.$ref) return schema;
  if (!schema.$ref.startsWith(prefix)) throw new Error(`unsupported $ref ${schema.$ref}`);
  const target = components[schema.$ref.slice(prefix.length)];
  if (!target) throw new Error(`dangling $ref ${schema.$ref}`);
  return resolveRef(target, components);
}
