import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import { buildConsole } from './console-assets.js';

/** Why the console's routes have no authorizer, recorded as their cdk-nag (APIG4/COG4) acknowledgement. */
const CONSOLE_IS_PUBLIC =
  'The ops console routes serve static files (HTML, script, style) that hold no data: the pages call the /v1/ops/ routes with the ops key the user signs in with, and those routes check it.';

/**
 * Static files need little CPU (read once per container, then copied out): the smallest memory that
 * keeps a cold start short.
 */
const CONSOLE_MEMORY_MB = 256;

/** Props of {@link OpsConsole}. */
export interface OpsConsoleProps {
  readonly api: PaymentsApi;
}

/**
 * The ops console (console/) at `/console/` on the API's own origin: one function serving the static
 * build, written next to its bundle at synth time, for `GET /console` and `GET /console/{proxy+}` (API
 * Gateway routes `/console/` to the former; a route key cannot end with a slash). Served by the API
 * rather than S3 + CloudFront: same origin as the ops routes (no CORS, one CSP `'self'`), nothing more to
 * deploy or run locally; docs/architecture.md, "Ops console", weighs the two.
 */
export class OpsConsole extends Construct {
  constructor(scope: Construct, id: string, props: OpsConsoleProps) {
    super(scope, id);
    const { api } = props;
    const fn = api.addFunction('ConsoleFunction', {
      entry: 'api/console',
      description: 'GET /console/{proxy+}: the ops console',
      memorySize: CONSOLE_MEMORY_MB,
      addFiles: (outputDir) => {
        buildConsole(outputDir);
      },
    });
    api.addPublicRoute(apigw.HttpMethod.GET, '/console', fn, CONSOLE_IS_PUBLIC);
    api.addPublicRoute(apigw.HttpMethod.GET, '/console/{proxy+}', fn, CONSOLE_IS_PUBLIC);
  }
}
