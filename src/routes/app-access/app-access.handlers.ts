import type { Context } from "hono";
import { invalid } from "../../core/errors";
import {
  type ClientTokenRequest,
  mintClientToken,
  resolveSectionConfig,
} from "../../domain/preferences/app-access";
import type { ProviderCallContext } from "../../domain/preferences/provider-access";
import { isSection, type Section } from "../../domain/preferences/provider-catalog";
import type { AppEnv, AppRouteHandler } from "../../http/app-env";
import { myProviderCallContext, serviceTargetContext } from "../../http/preferences-request";
import { throttle } from "../../http/rate-limit";
import { auditEntry } from "../../http/request-context";
import { auditStatement } from "../../storage/audit";
import type { mintMyClientToken, mintUserClientToken, resolvedConfig } from "./app-access.routes";

type Ctx = Context<AppEnv>;

function sectionOf(raw: string): Section {
  if (!isSection(raw)) throw invalid(["path", "section"], "Expected llm, tts or stt", "enum");
  return raw;
}

const limit = (limiter: RateLimit, key: string, what: string) =>
  throttle(limiter, key, `Too many ${what}; try again in a minute`);

/** Who acts: the service account (and which of its keys), recorded in every audit entry. */
const serviceActor = (c: Ctx) => ({ service_account: c.var.service.name, key_id: c.var.service.keyId });

export const resolvedConfigHandler: AppRouteHandler<typeof resolvedConfig> = async (c) => {
  const { uid } = c.req.valid("param");
  const { section } = c.req.valid("query");
  await limit(c.env.RESOLVE_LIMITER, `resolve:${c.var.service.id}`, "configuration reads");
  const ctx = await serviceTargetContext(c, uid);
  const resolved = await resolveSectionConfig(ctx, section);
  // Audited before the key leaves: no record, no key.
  await c.var.db.run(
    auditStatement(
      c.var.db,
      auditEntry(
        c,
        "service.config_resolved",
        { actorId: c.var.service.id, targetId: uid },
        { ...serviceActor(c), section, provider: resolved.provider, key_returned: resolved.api_key !== null },
      ),
    ),
  );
  c.header("Cache-Control", "no-store");
  return c.json({ user_id: uid, ...resolved }, 200);
};

/** Mints, audits (who, for whom, which section and provider, until when; never the credential), answers. */
async function mint(
  c: Ctx,
  ctx: ProviderCallContext,
  section: Section,
  body: ClientTokenRequest,
  audit: { action: string; actorId?: string; details: Record<string, unknown> },
) {
  const minted = await mintClientToken(ctx, section, body);
  const details = { ...audit.details, section, provider: minted.provider, expires_at: minted.expires_at };
  const target = audit.actorId ? { actorId: audit.actorId, targetId: ctx.user.id } : {};
  await c.var.db.run(auditStatement(c.var.db, auditEntry(c, audit.action, target, details)));
  c.header("Cache-Control", "no-store");
  return minted;
}

export const mintMyClientTokenHandler: AppRouteHandler<typeof mintMyClientToken> = async (c) => {
  const section = sectionOf(c.req.valid("param").section);
  await limit(c.env.CLIENT_TOKEN_LIMITER, `client_token:user:${c.var.auth.user.id}`, "client credentials");
  const apiKey = c.var.auth.apiKey;
  const details = apiKey ? { api_key_id: apiKey.id } : {};
  return c.json(
    await mint(c, myProviderCallContext(c), section, c.req.valid("json"), {
      action: "user.client_token_minted",
      details,
    }),
    200,
  );
};

export const mintUserClientTokenHandler: AppRouteHandler<typeof mintUserClientToken> = async (c) => {
  const { uid } = c.req.valid("param");
  const section = sectionOf(c.req.valid("param").section);
  await limit(c.env.CLIENT_TOKEN_LIMITER, `client_token:service:${c.var.service.id}`, "client credentials");
  const ctx = await serviceTargetContext(c, uid);
  const audit = {
    action: "service.client_token_minted",
    actorId: c.var.service.id,
    details: serviceActor(c),
  };
  return c.json(await mint(c, ctx, section, c.req.valid("json"), audit), 200);
};
