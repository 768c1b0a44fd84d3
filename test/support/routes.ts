/** The HTTP API routes of the synthesized template the local runtime serves (cdk.out). */
import { httpApiWiring } from '../../infra/local/api-routes.js';
import { ASSEMBLY_DIR } from '../../infra/local/synth.js';
import { loadTemplate } from '../../infra/local/template.js';

/** Every `METHOD /path` route key of the template (the `$default` route left out). */
export function templateRouteKeys(): string[] {
  const { template } = loadTemplate(ASSEMBLY_DIR);
  return httpApiWiring(template)
    .flatMap((api) => api.routes.map((r) => r.routeKey))
    .filter((key) => key !== '$default');
}
