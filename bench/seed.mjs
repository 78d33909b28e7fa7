// Generates the benchmark's seed SQL: 10,000+ users across groups, with preferences.
// Seeded users share one precomputed scrypt hash (production parameters) of BENCH_PASSWORD so
// seeding costs no hashing; the bench signs in through the API like any client.
import { randomBytes, scryptSync } from "node:crypto";

export const BENCH_PASSWORD = "benchmark-password-1";

export function seedSql({ users = 10_000, groups = 20, admins = 5 } = {}) {
  const salt = randomBytes(16);
  const key = scryptSync(BENCH_PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 5, maxmem: 64 * 1024 * 1024 });
  const hash = `$scrypt$ln=14,r=8,p=5$${salt.toString("base64")}$${key.toString("base64")}`;
  const lines = [];
  for (let g = 1; g <= groups; g++) {
    const policy = g % 4 === 0 ? '{"llm":{"allowed_providers":["openai","anthropic","groq"]}}' : "{}";
    lines.push(
      `INSERT INTO groups (id, name, name_key, description, policy) VALUES ('g${g}', 'group-${g}', 'group-${g}', 'Bench group ${g}', '${policy}');`,
    );
  }
  const providers = ["openai", "anthropic", "groq", "mistral"];
  for (let i = 1; i <= users; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const role = i <= admins ? "admin" : "user";
    lines.push(
      `INSERT INTO users (id, username, email, display_name, role, group_id, password_hash, created_at, last_login_at) VALUES ('${id}', 'bench${i}', 'bench${i}@example.org', 'Bench User ${i}', '${role}', 'g${(i % groups) + 1}', '${hash}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${i} minutes'), NULL);`,
    );
    if (i % 2 === 0) {
      const overrides = JSON.stringify({
        llm: { provider: providers[i % 4], model: null },
        stt: { provider: "deepgram" },
      });
      lines.push(
        `INSERT INTO user_preferences (user_id, overrides, version) VALUES ('${id}', '${overrides}', 1);`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
