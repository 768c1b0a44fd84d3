/** Synthesizing the CDK app into `cdk.out`, and telling whether an existing assembly is still current. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `local/src`). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const ASSEMBLY_DIR = join(PROJECT_ROOT, 'cdk.out');

/**
 * Runs `cdk synth --quiet` with the project's own CDK CLI. Output is shown live unless `quiet`, in
 * which case it is shown only when synthesis fails (a failed synth must explain itself).
 */
export async function synthesize(options: { quiet?: boolean } = {}): Promise<void> {
  // Hashed before synthesis: a source changed while it runs makes the next start synthesize again.
  const hash = sourceHash();
  // The CDK CLI locks cdk.out; another synth in the same tree (a second test file, a watch) waits its
  // turn instead of failing, for up to two minutes, and then synthesizes only if still needed.
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await synthesizeOnce(options);
      recordSourceHash(hash);
      return;
    } catch (error) {
      if (!(error instanceof SynthLockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 1000));
      // The synthesis we waited for may have built these very sources (two test files that found the
      // assembly stale at once): synthesizing again would rewrite it under the runtime reading it.
      if (assemblyBuiltFrom(hash)) return;
    }
  }
}

class SynthLockedError extends Error {}

function synthesizeOnce(options: { quiet?: boolean }): Promise<void> {
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  return new Promise((resolve, reject) => {
    const child = spawn(cdk, ['synth', '--quiet'], {
      cwd: PROJECT_ROOT,
      // Output is always captured (to detect the lock) and echoed unless quiet.
      stdio: ['ignore', 'pipe', 'pipe'],
      // CDK's built-in CloudFormation schema validation only ever warns (its errors are downgraded) and
      // takes about as long as the rest of synthesis; the app's own validation plugins still run.
      // `cdk synth` and `cdk deploy` outside the emulator keep it.
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_VALIDATION: 'false' },
    });
    let output = '';
    const capture = (c: Buffer) => {
      output += c.toString();
      if (!options.quiet) process.stderr.write(c);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else if (/currently synthing/.test(output)) reject(new SynthLockedError(output));
      else reject(new Error(`cdk synth failed with exit code ${code}${output ? `:\n${output}` : ''}`));
    });
  });
}

/** Lock files a CDK app's bundles depend on: the first that exists counts. */
const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];
const NEVER_SOURCES = new Set(['node_modules', 'cdk.out', '.git', '.local']);

/** Where the hash of the sources `cdk.out` was synthesized from is recorded. */
export const SOURCE_HASH_FILE = 'local-source-hash';

/**
 * What the assembly is built from: cdk.json, the lock file, and the files its `watch.include` names
 * (`dir/**` patterns; the CDK CLI's own list of the app's sources). Without a watch list, the project.
 */
function sourceFiles(root: string): string[] {
  const cdkJson = join(root, 'cdk.json');
  const config = existsSync(cdkJson)
    ? (JSON.parse(readFileSync(cdkJson, 'utf8')) as { watch?: { include?: string | string[] } })
    : {};
  const include = config.watch?.include ?? ['**'];
  const roots = (Array.isArray(include) ? include : [include]).map((p) =>
    p.replace(/\/?\*\*(\/\*)?$/, '').replace(/^\.\/?/, ''),
  );
  const lock = LOCK_FILES.find((f) => existsSync(join(root, f)));
  const files = new Set<string>(['cdk.json', ...(lock ? [lock] : [])]);
  const walk = (rel: string): void => {
    const path = join(root, rel);
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) {
      files.add(rel);
      return;
    }
    for (const entry of readdirSync(path)) {
      if (!NEVER_SOURCES.has(entry)) walk(rel ? join(rel, entry) : entry);
    }
  };
  for (const r of roots) walk(r);
  return [...files].filter((f) => existsSync(join(root, f))).sort();
}

/** SHA-256 of the sources' paths and contents: the same bytes give the same hash, whatever the mtimes. */
export function sourceHash(root: string = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(root)) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** Records that `cdk.out` was synthesized from sources hashing to `hash`. */
export function recordSourceHash(hash: string, assemblyDir: string = ASSEMBLY_DIR): void {
  writeFileSync(join(assemblyDir, SOURCE_HASH_FILE), `${hash}\n`);
}

/**
 * True when `cdk.out` was synthesized from sources with the same content as now (the CDK app, the
 * functions, the shared code, cdk.json, the lock file). The emulator itself does not count.
 */
export function assemblyIsFresh(root: string = PROJECT_ROOT): boolean {
  return assemblyBuiltFrom(sourceHash(root), root);
}

/** True when `cdk.out` was synthesized from sources hashing to `hash`, and not rewritten since. */
function assemblyBuiltFrom(hash: string, root: string = PROJECT_ROOT): boolean {
  const manifest = join(root, 'cdk.out', 'manifest.json');
  const recorded = join(root, 'cdk.out', SOURCE_HASH_FILE);
  if (!existsSync(manifest) || !existsSync(recorded)) return false;
  // A `cdk synth` run by hand since the recorded one rewrote the assembly from sources we did not hash.
  if (statSync(manifest).mtimeMs > statSync(recorded).mtimeMs) return false;
  return readFileSync(recorded, 'utf8').trim() === hash;
}
