import { createApp } from "./app";
import { readConfig } from "./core/settings";
import { createDb } from "./db/client";
import { loadKeyRing } from "./domain/preferences/key-encryption";
import { checkKeyHealth } from "./domain/preferences/key-health";
import { readSystemDefaults } from "./domain/preferences/system-defaults";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron Trigger (wrangler.toml `[triggers]`): key health, a bounded batch per run (docs/apps.md). */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      checkKeyHealth({
        db: createDb(env.DB),
        system: readSystemDefaults(env.SYSTEM_DEFAULTS),
        config: readConfig(env),
        keyRing: () => loadKeyRing(env.ENCRYPTION_KEY),
      }).then((result) => console.log(JSON.stringify({ event: "key_health", ...result }))),
    );
  },
} satisfies ExportedHandler<Env>;
