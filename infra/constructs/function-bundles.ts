/**
 * The functions' bundles, built by ONE esbuild build with every handler under `functions/` as an entry
 * point, the first time a function asks for its code. A `NodejsFunction` runs its own esbuild per
 * function, which parses the AWS SDK, Powertools and zod once per function (38 times); one build with
 * many entry points parses each module once and writes the same per-function bundles (no code
 * splitting: each `index.mjs` stands alone, as Lambda loads it). Options are those NodejsFunction was
 * given: minified ESM for node22, external source maps without sources, packages' ESM builds first,
 * the `require` banner, the environment-only credential provider, no event-stream serde, and a
 * smaller endpoint cache.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS_DIR = join(PROJECT_ROOT, 'functions');

/**
 * Alias target for `@aws-sdk/credential-provider-node` (exports the same `defaultProvider` the SDK
 * clients' `runtimeConfig` imports). In Lambda the execution role's credentials are always in
 * environment variables, so the environment provider is the whole chain a function needs; the SDK's
 * full default chain (STS, SSO, SSO-OIDC, ini files, IMDS) is ~135 KB of every bundle and of its cold
 * start. A bundle run outside Lambda must therefore be given credentials in its environment (the local
 * emulator gives dummy ones); tests run the sources and keep the full chain.
 */
const ENV_CREDENTIALS_PROVIDER = join(PROJECT_ROOT, 'shared', 'aws', 'env-credentials.ts');

/**
 * Alias target for `@smithy/core/event-streams`, which the SDK's protocols import on demand for operations
 * that stream events: none of ours does, and esbuild inlines it in every bundle (~19 KB).
 */
const NO_EVENT_STREAMS = join(PROJECT_ROOT, 'shared', 'aws', 'no-event-streams.ts');

/** Alias target for `@smithy/core/checksum`: the SDK's native SHA-256 and MD5 without JS fallbacks (~4 KB). */
const NATIVE_CHECKSUMS = join(PROJECT_ROOT, 'shared', 'aws', 'native-checksums.ts');

/** Alias target for `@aws-sdk/endpoint-cache`: the same cache on a `Map`, without mnemonist (~7 KB). */
const ENDPOINT_CACHE = join(PROJECT_ROOT, 'shared', 'aws', 'endpoint-cache.ts');

/**
 * esbuild emits ESM, where `require` does not exist; CommonJS dependencies bundled into it call
 * `require('node:crypto')` and friends at runtime. Defining it from `import.meta.url` keeps them working.
 * The alias avoids a clash if a bundled module imports `createRequire` itself.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __paymentsCreateRequire } from 'node:module'; const require = __paymentsCreateRequire(import.meta.url);";

export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  // Stack traces need file/line mappings only; embedding sources would double the asset.
  sourcesContent: false,
  // Prefer packages' ESM builds: better tree shaking of the SDK clients.
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  alias: {
    '@aws-sdk/credential-provider-node': ENV_CREDENTIALS_PROVIDER,
    '@smithy/core/event-streams': NO_EVENT_STREAMS,
    '@aws-sdk/endpoint-cache': ENDPOINT_CACHE,
    '@smithy/core/checksum': NATIVE_CHECKSUMS,
  },
  outExtension: { '.js': '.mjs' },
  absWorkingDir: PROJECT_ROOT,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Every handler file under `functions/` (each is one function's entry). */
function handlerFiles(dir: string = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return handlerFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Where an entry's bundle goes inside the build directory: its path under the project, without `.ts`. */
function bundleName(entry: string): string {
  return relative(PROJECT_ROOT, entry).replace(/\.ts$/, '');
}

let buildDir: string | undefined;
const built = new Set<string>();

/** Builds `entries` (once each per process) into the process's build directory, removed at exit. */
function build(entries: readonly string[]): string {
  if (!buildDir) {
    const dir = mkdtempSync(join(tmpdir(), 'payments-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    buildDir = dir;
  }
  const missing = entries.filter((e) => !built.has(e));
  if (missing.length > 0) {
    buildSync({
      ...BUNDLE_OPTIONS,
      entryPoints: missing.map((e) => ({ in: e, out: join(bundleName(e), 'index') })),
      outdir: buildDir,
    });
    for (const e of missing) built.add(e);
  }
  return buildDir;
}

/**
 * The code of the function whose handler is `entry`: an asset bundled by the shared build (all of
 * `functions/` at the first call, any other entry on its own) and hashed by its output, like a
 * NodejsFunction's. Stacks synthesized without bundling (`aws:cdk:bundling-stacks`) build nothing.
 * `addFiles`, when given, writes more files next to the bundle (the ops console's static assets); they
 * are part of the asset and of its hash.
 */
export function bundledCode(entry: string, addFiles?: (outputDir: string) => void): lambda.Code {
  const name = bundleName(entry);
  return lambda.Code.fromAsset(FUNCTIONS_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('dummy'),
      // Part of the asset cache key, which must differ per function.
      command: ['esbuild', name],
      local: {
        tryBundle(outputDir: string): boolean {
          const all = handlerFiles();
          const dir = join(build(all.includes(entry) ? all : [entry]), name);
          mkdirSync(outputDir, { recursive: true });
          for (const file of readdirSync(dir)) copyFileSync(join(dir, file), join(outputDir, file));
          addFiles?.(outputDir);
          return true;
        },
      },
    },
  });
}
