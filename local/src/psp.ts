/** Starts the sandbox PSP simulator (`sandbox/`): the vendor's side of the sandbox channel, with its bank. */
import { type SandboxPsp, startSandboxPsp } from './sandbox/psp-simulator.js';

export type { SandboxPsp } from './sandbox/psp-simulator.js';

export interface SandboxPspOptions {
  readonly callbackUrl: () => string;
  readonly secret: string;
  readonly delayMs: number;
}

export function startPsp(options: SandboxPspOptions): Promise<SandboxPsp> {
  return startSandboxPsp({
    callbackUrl: options.callbackUrl,
    secret: options.secret,
    delayMs: options.delayMs,
  });
}
