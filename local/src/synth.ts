/** Synthesizing the CDK app into `cdk.out`, and telling whether an existing assembly is still current. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
  // The CDK CLI locks cdk.out; another synth in the same tree (a second test file, a watch) waits its
  // turn instead of failing, for up to two minutes.
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await synthesizeOnce(options);
    } catch (error) {
      if (!(error instanceof SynthLockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 1000));
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
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
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

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'local') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * True when `cdk.out` was synthesized after the last change to what it is built from (the CDK app,
 * the functions, the shared code, cdk.json, the lockfile). The local runtime itself does not count.
 */
export function assemblyIsFresh(root: string = PROJECT_ROOT): boolean {
  const manifest = join(root, 'cdk.out', 'manifest.json');
  if (!existsSync(manifest)) return false;
  const built = statSync(manifest).mtimeMs;
  const sources = ['infra', 'functions', 'shared', 'cdk.json', 'package-lock.json'].map((p) =>
    newestMtime(join(root, p)),
  );
  return Math.max(...sources) < built;
}
