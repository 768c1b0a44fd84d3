/** The HTTP API routes of the synthesized template the local runtime serves (cdk.out). */
import { httpApiWiring } from '../../local/src/api-routes.js';
import { ASSEMBLY_DIR } from '../../local/src/synth.js';
import { loadTemplate } from '../../local/src/template.js';

/** Every `METHOD /path` route key of the template (the `$default` route left out). */
export function templateRouteKeys(): string[] {
  const { template } = loadTemplate(ASSEMBLY_DIR);
  return httpApiWiring(template)
    .flatMap((api) => api.routes.map((r) => r.routeKey))
    .filter((key) => key !== '$default');
}
