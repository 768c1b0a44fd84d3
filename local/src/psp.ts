/**
 * Starts the sandbox PSP simulator (written with the channel adapter in `shared/channels/sandbox`).
 * Loaded by path at run time so the runtime still starts, with a warning, while it does not exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Journal } from './durable-log.js';
import { PROJECT_ROOT } from './synth.js';

export interface SandboxPsp {
  readonly url: string;
  close(): Promise<void>;
}

export interface SandboxPspOptions {
  readonly callbackUrl: () => string;
  readonly secret: string;
  readonly delayMs: number;
  /** With `--persist`: its books and pending callbacks (see shared/channels/sandbox/journal.ts). */
  readonly journal?: Journal<unknown>;
}

type StartSandboxPsp = (options: {
  port?: number;
  callbackUrl: string | (() => string);
  secret: string;
  delayMs?: number;
  journal?: Journal<unknown>;
}) => Promise<SandboxPsp>;

const SIMULATOR = join(PROJECT_ROOT, 'shared', 'channels', 'sandbox', 'psp-simulator.ts');

/** The running simulator, or `undefined` when the module is not there yet. */
export async function startPsp(options: SandboxPspOptions): Promise<SandboxPsp | undefined> {
  if (!existsSync(SIMULATOR)) return undefined;
  const module = (await import(pathToFileURL(SIMULATOR).href)) as { startSandboxPsp?: StartSandboxPsp };
  if (typeof module.startSandboxPsp !== 'function') {
    throw new Error(`${SIMULATOR} does not export startSandboxPsp`);
  }
  return module.startSandboxPsp({
    callbackUrl: options.callbackUrl,
    secret: options.secret,
    delayMs: options.delayMs,
    ...(options.journal ? { journal: options.journal } : {}),
  });
}
