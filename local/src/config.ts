/**
 * What the emulator needs to know about the system it runs that the template does not say: items to
 * seed, secrets to serve, simulators of outside parties to start, variables for every function, and the
 * banner's words. The system ships it as JSON (`local.config.json` at its root by default); without one
 * the emulator runs the template bare.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface SeedTable {
  /** The table's logical id in the template, or a prefix of it (CDK appends a hash). */
  readonly table: string;
  /** Plain JSON items, written unless an item with the same key is already there. */
  readonly items: readonly Record<string, unknown>[];
}

export interface SandboxPspConfig {
  /** Path on the HTTP API the simulator calls back (e.g. `/v1/channels/sandbox/callbacks`). */
  readonly callbackPath: string;
  /** The secret it signs callbacks with. */
  readonly secret: string;
}

export interface LocalConfig {
  /** How the banner and the ready line name the system (`<name> API listening on <url>`). */
  readonly name: string;
  readonly seed: readonly SeedTable[];
  /** Secrets Manager secret values by secret name (`{{resolve:secretsmanager:<name>…}}`). */
  readonly secrets: Readonly<Record<string, string>>;
  readonly simulators: { readonly sandboxPsp?: SandboxPspConfig };
  /**
   * Values for environment variables the template declares, where a function declares them (the
   * template's value is meant for AWS). `${sandboxPsp.url}` in a value becomes the simulator's URL.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Lines the banner prints after the endpoints (credentials, a first request); `${url}` is the API's. */
  readonly banner: readonly string[];
}

export const EMPTY_CONFIG: LocalConfig = {
  name: 'Local',
  seed: [],
  secrets: {},
  simulators: {},
  environment: {},
  banner: [],
};

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(file: string, name: string, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (!isRecord(v) || Object.values(v).some((s) => typeof s !== 'string'))
    fail(file, `${name} must map names to strings`);
  return v as Record<string, string>;
}

/** Reads and checks a configuration file; `EMPTY_CONFIG` when `file` does not exist. */
export function loadConfig(file: string): LocalConfig {
  if (!existsSync(file)) return EMPTY_CONFIG;
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(raw)) fail(file, 'not a JSON object');
  const seed = raw.seed ?? [];
  if (
    !Array.isArray(seed) ||
    seed.some((s) => !isRecord(s) || typeof s.table !== 'string' || !Array.isArray(s.items))
  )
    fail(file, 'seed must be a list of { table, items }');
  const simulators = raw.simulators ?? {};
  if (!isRecord(simulators)) fail(file, 'simulators must be an object');
  const psp = simulators.sandboxPsp;
  if (
    psp !== undefined &&
    (!isRecord(psp) || typeof psp.callbackPath !== 'string' || typeof psp.secret !== 'string')
  )
    fail(file, 'simulators.sandboxPsp must be { callbackPath, secret }');
  const banner = raw.banner ?? [];
  if (!Array.isArray(banner) || banner.some((l) => typeof l !== 'string'))
    fail(file, 'banner must be a list of lines');
  return {
    name: typeof raw.name === 'string' ? raw.name : EMPTY_CONFIG.name,
    seed: seed as SeedTable[],
    secrets: stringMap(file, 'secrets', raw.secrets),
    simulators: psp ? { sandboxPsp: psp as unknown as SandboxPspConfig } : {},
    environment: stringMap(file, 'environment', raw.environment),
    banner: banner as string[],
  };
}

/** `value` with `${name}` placeholders replaced from `vars` (unknown names are left as they are). */
export function fill(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
