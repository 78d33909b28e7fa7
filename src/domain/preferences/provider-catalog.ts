/**
 * The provider catalog, as data. Adding a provider whose protocol matches an existing one means
 * adding an entry here, not a code path: `auth` says how the key travels, `verify` and `models`
 * say which request proves a key and where the model ids are in the answer. Facts and sources:
 * ../shared/PROVIDERS.md (gathered 2026).
 */
export const SECTIONS = ["llm", "tts", "stt"] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * A value per section, built by `make`: every per-section shape (schemas, views, layering) comes
 * from here, so adding a section means adding it to SECTIONS, this function and CATALOG — the
 * compiler points at anything else that must change.
 */
export function bySection<V>(make: (section: Section) => V): Record<Section, V> {
  return { llm: make("llm"), tts: make("tts"), stt: make("stt") };
}

export type AuthScheme =
  | { kind: "bearer" }
  | { kind: "header"; header: string; prefix?: string }
  | { kind: "none" };

/** Where model ids live in a JSON answer: `data[].id`, `models[].name`, `[].model_id`, … */
export interface ModelListing {
  path: string;
  /** Array field holding the items; "" when the body itself is the array. */
  arrayField: string;
  idField: string;
  /** Keep only items where this boolean field is true (ElevenLabs `can_do_text_to_speech`). */
  filterField?: string;
  /** Strip this prefix from ids (Gemini's `models/`). */
  stripPrefix?: string;
}

export interface ProviderEntry {
  id: string;
  name: string;
  baseUrl: string | null;
  auth: AuthScheme;
  /** Extra headers every request carries (API versions). */
  headers?: Record<string, string>;
  keyRequired: boolean;
  customBaseUrl: boolean;
  verify: { path: string };
  models: ModelListing | null;
  staticModels: string[];
  voices?: string[];
  /** Provider-specific options a user may set (OptionsSchema in preference-schemas.ts). */
  options: ("temperature" | "max_tokens" | "voice" | "speed" | "language")[];
  /** How this provider's error answers deviate from the HTTP norm (PROVIDERS.md). */
  quirks?: ProviderQuirks;
}

export interface ProviderQuirks {
  /** Answers a bad key with 400 rather than 401. */
  badKeyAs400?: boolean;
  /** A 401 whose body contains this marker means a valid key lacking a permission (403-like). */
  permissionMarkerOn401?: string;
}

const openAiModels: ModelListing = { path: "/models", arrayField: "data", idField: "id" };
const bearer = { kind: "bearer" } as const;
const llmOptions: ProviderEntry["options"] = ["temperature", "max_tokens"];

export const CATALOG: Record<Section, ProviderEntry[]> = {
  llm: [
    {
      id: "openai",
      name: "OpenAI",
      baseUrl: "https://api.openai.com/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: openAiModels,
      staticModels: ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini", "gpt-5", "gpt-5-mini", "gpt-4.1", "o3", "o4-mini"],
      options: llmOptions,
    },
    {
      id: "anthropic",
      name: "Anthropic",
      baseUrl: "https://api.anthropic.com",
      auth: { kind: "header", header: "x-api-key" },
      headers: { "anthropic-version": "2023-06-01" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v1/models?limit=1" },
      models: { path: "/v1/models?limit=1000", arrayField: "data", idField: "id" },
      staticModels: ["claude-opus-4-7", "claude-sonnet-4-6", "claude-haiku-4-5"],
      options: llmOptions,
    },
    {
      id: "gemini",
      name: "Google Gemini",
      baseUrl: "https://generativelanguage.googleapis.com/v1beta",
      auth: { kind: "header", header: "x-goog-api-key" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models?pageSize=1" },
      quirks: { badKeyAs400: true },
      models: {
        path: "/models?pageSize=1000",
        arrayField: "models",
        idField: "name",
        stripPrefix: "models/",
      },
      staticModels: [
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "gemini-3-pro-preview",
        "gemini-3-flash-preview",
      ],
      options: llmOptions,
    },
    {
      id: "groq",
      name: "Groq",
      baseUrl: "https://api.groq.com/openai/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: openAiModels,
      staticModels: ["openai/gpt-oss-120b", "llama-3.3-70b-versatile", "llama-3.1-8b-instant"],
      options: llmOptions,
    },
    {
      id: "mistral",
      name: "Mistral",
      baseUrl: "https://api.mistral.ai/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: openAiModels,
      staticModels: ["mistral-large-latest", "mistral-medium-latest", "mistral-small-latest"],
      options: llmOptions,
    },
    {
      id: "openrouter",
      name: "OpenRouter",
      baseUrl: "https://openrouter.ai/api/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/key" },
      models: { path: "/models/user", arrayField: "data", idField: "id" },
      staticModels: [],
      options: llmOptions,
    },
    {
      id: "deepseek",
      name: "DeepSeek",
      baseUrl: "https://api.deepseek.com",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: openAiModels,
      staticModels: ["deepseek-chat", "deepseek-reasoner"],
      options: llmOptions,
    },
    {
      id: "xai",
      name: "xAI",
      baseUrl: "https://api.x.ai/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/api-key" },
      quirks: { badKeyAs400: true },
      models: openAiModels,
      staticModels: [],
      options: llmOptions,
    },
    {
      id: "ollama",
      name: "Ollama",
      baseUrl: "http://localhost:11434",
      auth: { kind: "none" },
      keyRequired: false,
      customBaseUrl: true,
      verify: { path: "/api/version" },
      models: { path: "/api/tags", arrayField: "models", idField: "name" },
      staticModels: [],
      options: llmOptions,
    },
    {
      id: "openai_compatible",
      name: "OpenAI-compatible",
      baseUrl: null,
      auth: bearer,
      keyRequired: false,
      customBaseUrl: true,
      verify: { path: "/models" },
      models: openAiModels,
      staticModels: [],
      options: llmOptions,
    },
  ],
  tts: [
    {
      id: "openai",
      name: "OpenAI",
      baseUrl: "https://api.openai.com/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: null,
      staticModels: ["gpt-4o-mini-tts", "tts-1", "tts-1-hd"],
      voices: [
        "alloy",
        "ash",
        "ballad",
        "coral",
        "echo",
        "fable",
        "onyx",
        "nova",
        "sage",
        "shimmer",
        "verse",
        "marin",
        "cedar",
      ],
      options: ["voice", "speed"],
    },
    {
      id: "elevenlabs",
      name: "ElevenLabs",
      baseUrl: "https://api.elevenlabs.io",
      auth: { kind: "header", header: "xi-api-key" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v1/user" },
      quirks: { permissionMarkerOn401: "missing_permissions" },
      models: {
        path: "/v1/models",
        arrayField: "",
        idField: "model_id",
        filterField: "can_do_text_to_speech",
      },
      staticModels: ["eleven_v3", "eleven_multilingual_v2", "eleven_flash_v2_5", "eleven_turbo_v2_5"],
      options: ["voice", "speed"],
    },
    {
      id: "deepgram",
      name: "Deepgram",
      baseUrl: "https://api.deepgram.com",
      auth: { kind: "header", header: "authorization", prefix: "Token " },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v1/auth/token" },
      models: { path: "/v1/models", arrayField: "tts", idField: "canonical_name" },
      staticModels: ["aura-2-thalia-en", "aura-2-andromeda-en", "aura-2-apollo-en"],
      options: ["speed"],
    },
    {
      id: "cartesia",
      name: "Cartesia",
      baseUrl: "https://api.cartesia.ai",
      auth: bearer,
      headers: { "Cartesia-Version": "2025-11-04" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/voices?limit=1" },
      models: null,
      staticModels: ["sonic-3.5", "sonic-3"],
      options: ["voice", "speed", "language"],
    },
  ],
  stt: [
    {
      id: "openai",
      name: "OpenAI",
      baseUrl: "https://api.openai.com/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: null,
      staticModels: ["gpt-4o-transcribe", "gpt-4o-mini-transcribe", "whisper-1"],
      options: ["language"],
    },
    {
      id: "deepgram",
      name: "Deepgram",
      baseUrl: "https://api.deepgram.com",
      auth: { kind: "header", header: "authorization", prefix: "Token " },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v1/auth/token" },
      models: { path: "/v1/models", arrayField: "stt", idField: "canonical_name" },
      staticModels: ["nova-3", "nova-3-medical", "nova-2"],
      options: ["language"],
    },
    {
      id: "assemblyai",
      name: "AssemblyAI",
      baseUrl: "https://api.assemblyai.com",
      auth: { kind: "header", header: "authorization" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v2/transcript?limit=1" },
      models: null,
      staticModels: ["universal-3-pro", "universal-2"],
      options: ["language"],
    },
    {
      id: "groq",
      name: "Groq",
      baseUrl: "https://api.groq.com/openai/v1",
      auth: bearer,
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/models" },
      models: null,
      staticModels: ["whisper-large-v3", "whisper-large-v3-turbo"],
      options: ["language"],
    },
    {
      id: "elevenlabs",
      name: "ElevenLabs",
      baseUrl: "https://api.elevenlabs.io",
      auth: { kind: "header", header: "xi-api-key" },
      keyRequired: true,
      customBaseUrl: false,
      verify: { path: "/v1/user" },
      quirks: { permissionMarkerOn401: "missing_permissions" },
      models: null,
      staticModels: ["scribe_v2", "scribe_v1"],
      options: ["language"],
    },
  ],
};

export function findProvider(section: Section, id: string): ProviderEntry | undefined {
  return CATALOG[section].find((p) => p.id === id);
}

export const isSection = (value: string): value is Section => (SECTIONS as readonly string[]).includes(value);
