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
  /** How to mint a short-lived credential a browser may hold (absent: the provider has none). */
  clientToken?: ClientTokenSpec;
}

/**
 * A provider's short-lived client credential (PROVIDERS.md, "Short-lived client credentials"), as
 * data: the request (absolute URL; `{ttl}` in it is replaced), the JSON body as a template (a string
 * that is exactly `{ttl}` becomes the lifetime in seconds, `{model}` the model), and where the
 * credential and its expiry are in the answer. The key travels as the entry's `auth` says.
 */
export interface ClientTokenSpec {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  /** Lifetime bounds and default in seconds; absent: fixed by the provider (`fixedSeconds`). */
  ttl?: { min: number; max: number; default: number };
  fixedSeconds?: number;
  /** Whether the request body names a model (required then: the effective one or the caller's). */
  needsModel?: boolean;
  answer: {
    /** Field holding the credential. */
    token: string;
    /** Field with the expiry as Unix seconds, or with a lifetime in seconds. */
    expiresAt?: string;
    expiresIn?: string;
  };
  singleUse?: boolean;
  /** How the browser presents it, for the answer. */
  usage: string;
}

const openAiRealtimeToken = (session: unknown, usage: string): ClientTokenSpec => ({
  method: "POST",
  url: "https://api.openai.com/v1/realtime/client_secrets",
  body: { expires_after: { anchor: "created_at", seconds: "{ttl}" }, session },
  ttl: { min: 10, max: 7200, default: 600 },
  needsModel: true,
  answer: { token: "value", expiresAt: "expires_at" },
  usage,
});
const deepgramGrant: ClientTokenSpec = {
  method: "POST",
  url: "https://api.deepgram.com/v1/auth/grant",
  body: { ttl_seconds: "{ttl}" },
  ttl: { min: 1, max: 3600, default: 30 },
  answer: { token: "access_token", expiresIn: "expires_in" },
  usage: "Authorization: Bearer <token> (REST), or the WebSocket subprotocols ['bearer', <token>]",
};
const elevenLabsToken = (type: "tts_websocket" | "realtime_scribe"): ClientTokenSpec => ({
  method: "POST",
  url: `https://api.elevenlabs.io/v1/single-use-token/${type}`,
  fixedSeconds: 900,
  answer: { token: "token" },
  singleUse: true,
  usage: "The `token` query parameter of the WebSocket URL; consumed on first use",
});

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
      clientToken: openAiRealtimeToken(
        { type: "realtime", model: "{model}" },
        "Authorization: Bearer <token> on the Realtime API (WebRTC SDP exchange or WebSocket)",
      ),
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
      clientToken: openAiRealtimeToken(
        { type: "realtime", model: "{model}", output_modalities: ["audio"] },
        "Authorization: Bearer <token> on the Realtime API; the model must be a realtime model",
      ),
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
      clientToken: elevenLabsToken("tts_websocket"),
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
      clientToken: deepgramGrant,
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
      clientToken: openAiRealtimeToken(
        { type: "transcription", audio: { input: { transcription: { model: "{model}" } } } },
        "Authorization: Bearer <token> on the Realtime API (transcription session)",
      ),
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
      clientToken: deepgramGrant,
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
      // Unconfirmed in PROVIDERS.md (v3 streaming); the older v2 POST is the documented fallback.
      clientToken: {
        method: "GET",
        url: "https://streaming.assemblyai.com/v3/token?expires_in_seconds={ttl}",
        ttl: { min: 1, max: 600, default: 600 },
        answer: { token: "token" },
        usage: "The `token` query parameter of wss://streaming.assemblyai.com/v3/ws",
      },
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
      clientToken: elevenLabsToken("realtime_scribe"),
    },
  ],
};

export function findProvider(section: Section, id: string): ProviderEntry | undefined {
  return CATALOG[section].find((p) => p.id === id);
}

export const isSection = (value: string): value is Section => (SECTIONS as readonly string[]).includes(value);
