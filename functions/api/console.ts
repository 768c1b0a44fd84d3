/**
 * GET /console and /console/{proxy+}: the ops console's static files, built next to this bundle at synth
 * time (infra/constructs/console-assets.ts). No key: the files hold no data; the pages call the ops routes
 * with the key the user signs in with. Read once per container.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { answer, loadSite, type StaticAnswer } from '../../shared/console/static-site.js';

let site: ReturnType<typeof loadSite> | undefined;

export async function handler(event: APIGatewayProxyEventV2): Promise<StaticAnswer> {
  site ??= loadSite(join(dirname(fileURLToPath(import.meta.url)), 'console'));
  return answer(site, {
    path: event.pathParameters?.proxy ?? '',
    acceptEncoding: event.headers?.['accept-encoding'],
    ifNoneMatch: event.headers?.['if-none-match'],
  });
}
