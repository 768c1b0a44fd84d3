/**
 * The API's `$default` route: every request no route matches. Instead of API Gateway's bare
 * `{"message":"Not Found"}`, a problem+json answer like every other error of the contract: 405 with
 * `Allow` for a known path asked with another method, 404 for a path the API does not have.
 */
import * as z from 'zod/mini';
import { loadEnv } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { NotFoundError } from '../../shared/http/errors.js';
import { problemResponse } from '../../shared/http/responses.js';
import { allowedMethods } from '../../shared/http/route-table.js';
import { problem } from '../../shared/schemas/problem-catalogue.js';

/** `ROUTE_KEYS`: the JSON array of the API's route keys, written by the API construct at synth time. */
const noRouteEnvSchema = z.object({
  ROUTE_KEYS: z.pipe(
    z.string(),
    z.pipe(
      z.transform((value: string) => JSON.parse(value) as unknown),
      z.array(z.string().check(z.regex(/^[A-Z]+ \/\S*$/))).check(z.minLength(1)),
    ),
  ),
});

const { ROUTE_KEYS } = loadEnv(noRouteEnvSchema);

export const handler = apiHandler({}, async ({ event, method }) => {
  const rawPath = event.rawPath ?? '/';
  const allowed = allowedMethods(ROUTE_KEYS, rawPath);
  if (allowed.length === 0) throw new NotFoundError(`No route matches ${method} ${rawPath.slice(0, 200)}.`);
  const detail = `${method} is not allowed on ${rawPath.slice(0, 200)}: use ${allowed.join(', ')}.`;
  return problemResponse(problem('method-not-allowed', detail), { Allow: allowed.join(', ') });
});
