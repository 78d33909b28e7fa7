// Fails when an import goes up the layer order, so the README's layer map stays true.
// Order, lowest first: core → db, platform → storage → domain → http → routes → app.
// A module may import its own layer or lower ones; a route folder may not import another
// route folder; the layers below http do not import hono (HTTP stays in http/ and routes/).
// No two modules export the same name: one name, one thing, wherever it is imported.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const src = path.resolve(import.meta.dirname, "..", "src");
const RANK = { core: 0, db: 1, platform: 1, storage: 2, domain: 3, http: 4, routes: 5, "": 6 };
const HONO_FREE = new Set(["core", "db", "platform", "storage", "domain"]);

const layerOf = (file) => {
  const top = path.relative(src, file).split(path.sep);
  return top.length === 1 ? "" : top[0];
};
const routeFolderOf = (file) => {
  const parts = path.relative(src, file).split(path.sep);
  return parts[0] === "routes" ? parts[1] : null;
};

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith(".ts")) yield full;
  }
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
const EXPORTED = /^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z0-9_$]+)/gm;
const problems = [];
const exportedBy = new Map();
for (const file of sourceFiles(src)) {
  const layer = layerOf(file);
  if (!(layer in RANK))
    problems.push(`${path.relative(src, file)}: folder '${layer}' is not in the layer map`);
  const text = readFileSync(file, "utf8");
  for (const [, name] of text.matchAll(EXPORTED)) {
    const other = exportedBy.get(name);
    if (other)
      problems.push(`${path.relative(src, file)} exports '${name}', as does ${other}: one name, one thing`);
    else exportedBy.set(name, path.relative(src, file));
  }
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    const where = `${path.relative(src, file)} imports ${spec}`;
    if (!spec.startsWith(".")) {
      if (HONO_FREE.has(layer) && (spec === "hono" || spec.startsWith("hono/")))
        problems.push(`${where}: ${layer}/ must not depend on hono`);
      continue;
    }
    const target = path.resolve(path.dirname(file), spec);
    const targetLayer = layerOf(`${target}.ts`);
    if (RANK[targetLayer] > RANK[layer])
      problems.push(`${where}: ${layer || "app"} may not import ${targetLayer}`);
    const from = routeFolderOf(file);
    const to = routeFolderOf(`${target}.ts`);
    if (from && to && from !== to) problems.push(`${where}: one route folder may not import another`);
  }
}

if (problems.length > 0) {
  console.error(`Layer map violated (see README, "Layout"):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("Layer map holds.");
