/**
 * Environment of each function, parsed once at cold start. A missing or malformed variable throws a
 * `ConfigError` naming it, so a wiring mistake fails the first invocation loudly instead of surfacing
 * later as an obscure SDK error.
 */
import * as z from 'zod';
import { ConfigError } from './errors.js';

const nonEmpty = z.string().trim().min(1, { error: 'must be set' });

/** Comma-separated list; several secrets are accepted while one is being rotated. */
const secretList = nonEmpty.transform((value, ctx) => {
  const secrets = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (secrets.length === 0) ctx.addIssue({ code: 'custom', message: 'must hold at least one secret' });
  return secrets;
});

export const tableEnvSchema = z.object({ TABLE_NAME: nonEmpty });

export const callbackEnvSchema = tableEnvSchema.extend({ SANDBOX_WEBHOOK_SECRETS: secretList });

export const dispatchEnvSchema = tableEnvSchema.extend({
  SANDBOX_PSP_URL: z.url({ error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')),
});

export type TableEnv = z.infer<typeof tableEnvSchema>;
export type CallbackEnv = z.infer<typeof callbackEnvSchema>;
export type DispatchEnv = z.infer<typeof dispatchEnvSchema>;

/**
 * Parses `source` (default `process.env`) with `schema`.
 * @throws ConfigError listing every offending variable.
 */
export function loadEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const variables = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '?')))];
  const details = result.error.issues.map((i) => `${String(i.path[0] ?? '?')} ${i.message}`).join('; ');
  throw new ConfigError(`invalid environment: ${details}`, variables);
}
