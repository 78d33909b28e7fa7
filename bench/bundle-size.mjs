// The deployed bundle's size, measured the way `npm run bench` reports it: `wrangler deploy --dry-run
// --outdir` (the exact bundle `wrangler deploy` would upload), once unminified and once with
// `--minify`, every .js file in the output summed, raw and gzip (node:zlib defaults).
// `npm run bundle-size` prints both and the largest modules and packages of the minified bundle
// (from esbuild's metafile); `-- --top N` shows N of each (default 10), `-- --json` prints JSON.
// `-- --marginal` adds what each package costs in gzip bytes: the bundle rebuilt with that package
// left out (esbuild `external`), compared with the whole. Gzip is not additive, so the sizes of the
// metafile's modules cannot answer "what would leaving X out save"; this can.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { unstable_readConfig } from "wrangler";

const root = path.resolve(import.meta.dirname, "..");

/** One `wrangler deploy --dry-run` build: total raw and gzip bytes of its .js files, and its metafile. */
function build(minify) {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-users-bundle-"));
  const out = path.join(dir, "out");
  const metafile = path.join(dir, "meta.json");
  try {
    execFileSync(
      "npx",
      [
        "wrangler",
        "deploy",
        "--dry-run",
        "--outdir",
        out,
        "--metafile",
        metafile,
        // wrangler.toml sets `minify = true` (what is deployed); the unminified size is for reading.
        minify ? "--minify" : "--minify=false",
      ],
      { cwd: root, stdio: "ignore", env: { ...process.env, CI: "true" } },
    );
    const files = readdirSync(out).filter((f) => f.endsWith(".js"));
    const bytes = files.reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
    const gzip_bytes = files.reduce((n, f) => n + gzipSync(readFileSync(path.join(out, f))).length, 0);
    return { size: { bytes, gzip_bytes }, meta: JSON.parse(readFileSync(metafile, "utf8")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `{ unminified: {bytes, gzip_bytes}, minified: {…} }`, the shape bench/results/*.json records. */
export function bundleSize() {
  return { unminified: build(false).size, minified: build(true).size };
}

/** node_modules/<package>/… → the package; anything else → its path relative to the repository. */
function owner(input) {
  const abs = path.resolve(root, input);
  const m = abs.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return m ? m[1] : path.relative(root, abs);
}

/** Bytes each input contributes to the minified output (esbuild's `bytesInOutput`), by module and package. */
function contributions(meta) {
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith(".js"))?.[1];
  const modules = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({
    module: path.relative(root, path.resolve(root, input)).replace(/^.*node_modules\//, ""),
    package: owner(input),
    bytes: bytesInOutput,
  }));
  const packages = new Map();
  for (const m of modules) {
    const key = m.package.includes("/") && !m.package.startsWith("@") ? m.package.split("/")[0] : m.package;
    packages.set(key, (packages.get(key) ?? 0) + m.bytes);
  }
  return {
    modules: modules.sort((a, b) => b.bytes - a.bytes),
    packages: [...packages]
      .map(([name, bytes]) => ({ package: name, bytes }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * The minified bundle built the way wrangler builds it (wrangler's own esbuild, its module
 * conditions, the `[alias]` of wrangler.toml), gzip bytes, optionally without some packages.
 * Checked against `build(true)`: the full bundle's figure agrees to a few bytes.
 */
async function esbuildGzip(externals = []) {
  const esbuild = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"))("esbuild");
  // wrangler's own reading of wrangler.toml, as vitest.config.ts reads the `[alias]` for the pool.
  const config = unstable_readConfig({ config: path.join(root, "wrangler.toml") }, { hideWarnings: true });
  const aliases = Object.fromEntries(
    Object.entries(config.alias ?? {}).map(([from, to]) => [from, path.resolve(root, to)]),
  );
  const result = await esbuild.build({
    entryPoints: [path.join(root, "src/index.ts")],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    minify: true,
    write: false,
    logLevel: "error",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*", ...externals.flatMap((p) => [p, `${p}/*`])],
    plugins: [
      {
        // wrangler's [alias] is an exact match (esbuild's own `alias` would also rewrite subpaths).
        name: "wrangler-alias",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) =>
            aliases[args.path] ? { path: aliases[args.path] } : undefined,
          );
        },
      },
    ],
  });
  return gzipSync(result.outputFiles[0].contents).length;
}

/** Gzip bytes each package of the minified bundle costs: the whole minus the whole without it. */
async function marginalCosts(packages) {
  const whole = await esbuildGzip();
  const costs = [];
  for (const name of packages) costs.push({ package: name, gzip_bytes: whole - (await esbuildGzip([name])) });
  return { whole, costs: costs.sort((a, b) => b.gzip_bytes - a.gzip_bytes) };
}

async function main() {
  const args = process.argv.slice(2);
  const top = Number(args[args.indexOf("--top") + 1]) || 10;
  const unminified = build(false);
  const minified = build(true);
  const { modules, packages } = contributions(minified.meta);
  if (args.includes("--json")) {
    const report = {
      unminified: unminified.size,
      minified: minified.size,
      top_modules: modules.slice(0, top),
      top_packages: packages.slice(0, top),
    };
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  if (args.includes("--marginal")) {
    const names = packages
      .map((p) => p.package)
      .filter((name) => !name.startsWith("src") && name !== "shims");
    const { whole, costs } = await marginalCosts(names);
    console.log(`Gzip bytes each package costs (whole: ${whole} B; the bundle rebuilt without it):`);
    for (const c of costs) console.log(`  ${String(c.gzip_bytes).padStart(7)}  ${c.package}`);
    console.log(
      `  ${String(await esbuildGzip(names)).padStart(7)}  src/ and shims/ alone (every package left out)\n`,
    );
  }
  console.log("Bundle (wrangler deploy --dry-run --outdir), all .js files:");
  for (const [name, { size }] of [
    ["unminified", unminified],
    ["minified", minified],
  ]) {
    console.log(
      `  ${name.padEnd(10)} ${String(size.bytes).padStart(8)} B (${kb(size.bytes)}) raw, ${String(size.gzip_bytes).padStart(7)} B (${kb(size.gzip_bytes)}) gzip`,
    );
  }
  console.log(`\nTop ${top} modules of the minified bundle (bytes in output, before gzip):`);
  for (const m of modules.slice(0, top)) console.log(`  ${String(m.bytes).padStart(7)}  ${m.module}`);
  console.log(`\nTop ${top} packages (src/… and other repository files by directory):`);
  for (const p of packages.slice(0, top)) console.log(`  ${String(p.bytes).padStart(7)}  ${p.package}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
