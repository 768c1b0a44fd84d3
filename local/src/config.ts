/**
 * What the emulator needs to know about the system it runs that the template does not say: items to
 * seed, secrets to serve, simulators of outside parties to start, variables for every function, and the
 * banner's words. The system ships it as JSON (`local.config.json` at its root by default); without one
 * the emulator runs the template bare.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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

/** The Stripe simulator (channels/stripe.ts); credentials default to the contract's local ones. */
export interface StripeSimulatorConfig {
  /** Path on the HTTP API its events are posted to (e.g. `/v1/channels/stripe/callbacks`). */
  readonly callbackPath: string;
  readonly secretKey?: string;
  readonly webhookSecret?: string;
}

/** The Alipay simulator (channels/alipay.ts); key files are PEM, relative to the configuration file. */
export interface AlipaySimulatorConfig {
  readonly callbackPath: string;
  readonly appId?: string;
  /** Our app's public key, which requests are checked with. Default: local/channel-test-keys. */
  readonly merchantPublicKeyFile?: string;
  /** Alipay's private key, which answers and notifies are signed with. Default: local/channel-test-keys. */
  readonly platformPrivateKeyFile?: string;
}

/** The WeChat Pay simulator (channels/wechatpay.ts); key files as for Alipay. */
export interface WechatpaySimulatorConfig {
  readonly callbackPath: string;
  readonly mchid?: string;
  readonly appid?: string;
  readonly merchantSerial?: string;
  readonly platformSerial?: string;
  readonly apiV3Key?: string;
  readonly merchantPublicKeyFile?: string;
  readonly platformPrivateKeyFile?: string;
}

export interface SimulatorsConfig {
  readonly sandboxPsp?: SandboxPspConfig;
  readonly stripe?: StripeSimulatorConfig;
  readonly alipay?: AlipaySimulatorConfig;
  readonly wechatpay?: WechatpaySimulatorConfig;
}

export interface LocalConfig {
  /** How the banner and the ready line name the system (`<name> API listening on <url>`). */
  readonly name: string;
  readonly seed: readonly SeedTable[];
  /** Secrets Manager secret values by secret name (`{{resolve:secretsmanager:<name>…}}`). */
  readonly secrets: Readonly<Record<string, string>>;
  readonly simulators: SimulatorsConfig;
  /**
   * Values for environment variables the template declares, where a function declares them (the
   * template's value is meant for AWS). `${sandboxPsp.url}` in a value becomes the simulator's URL.
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Variables every function gets on top of the template's (settings that exist only for a local run and
   * that the template must never carry, such as letting webhooks reach a receiver on this machine).
   */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** Lines the banner prints after the endpoints (credentials, a first request); `${url}` is the API's. */
  readonly banner: readonly string[];
}

export const EMPTY_CONFIG: LocalConfig = {
  name: 'Local',
  seed: [],
  secrets: {},
  simulators: {},
  environment: {},
  functionEnvironment: {},
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
  const channels: Record<string, Record<string, string>> = {};
  for (const name of ['stripe', 'alipay', 'wechatpay']) {
    const sim = simulators[name];
    if (sim === undefined) continue;
    if (
      !isRecord(sim) ||
      typeof sim.callbackPath !== 'string' ||
      Object.values(sim).some((v) => typeof v !== 'string')
    )
      fail(file, `simulators.${name} must be { callbackPath, … } with string values`);
    const entries = Object.entries(sim as Record<string, string>).map(([key, value]) => [
      key,
      // Key files are named relative to the configuration file, wherever the emulator runs from.
      key.endsWith('KeyFile') ? resolve(dirname(file), value) : value,
    ]);
    channels[name] = Object.fromEntries(entries);
  }
  const banner = raw.banner ?? [];
  if (!Array.isArray(banner) || banner.some((l) => typeof l !== 'string'))
    fail(file, 'banner must be a list of lines');
  return {
    name: typeof raw.name === 'string' ? raw.name : EMPTY_CONFIG.name,
    seed: seed as SeedTable[],
    secrets: stringMap(file, 'secrets', raw.secrets),
    simulators: {
      ...(psp ? { sandboxPsp: psp as unknown as SandboxPspConfig } : {}),
      ...(channels as SimulatorsConfig),
    },
    environment: stringMap(file, 'environment', raw.environment),
    functionEnvironment: stringMap(file, 'functionEnvironment', raw.functionEnvironment),
    banner: banner as string[],
  };
}

/** `value` with `${name}` placeholders replaced from `vars` (unknown names are left as they are). */
export function fill(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}
