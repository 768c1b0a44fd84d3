/**
 * Reads the HTTP API wiring from the template: routes → integrations → functions. Anything the runtime
 * cannot emulate faithfully (an authorizer among them) is an error, not a silent skip.
 */
import type { Route } from './routes.js';
import { type CfnTemplate, referencedResource, requireResource, resourcesOfType } from './template.js';

export interface RouteTarget {
  readonly functionLogicalId: string;
}

export interface HttpApiWiring {
  readonly apiLogicalId: string;
  readonly routes: Route<RouteTarget>[];
}

/** The routes of every HTTP API in the template (normally one), with their functions. */
export function httpApiWiring(template: CfnTemplate): HttpApiWiring[] {
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').filter(
    ([, api]) => (api.Properties?.ProtocolType ?? 'HTTP') === 'HTTP',
  );
  return apis.map(([apiLogicalId]) => {
    const routes: Route<RouteTarget>[] = [];
    for (const [routeId, route] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
      const props = route.Properties ?? {};
      if (referencedResource(template, props.ApiId, 'AWS::ApiGatewayV2::Api') !== apiLogicalId) continue;
      const routeKey = String(props.RouteKey);
      const integrationId = referencedResource(template, props.Target, 'AWS::ApiGatewayV2::Integration');
      if (!integrationId) throw new Error(`route ${routeId} (${routeKey}) has no integration target`);
      const integration = requireResource(template, integrationId, `route ${routeId}`).Properties ?? {};
      if (integration.IntegrationType !== 'AWS_PROXY' || integration.PayloadFormatVersion !== '2.0') {
        throw new Error(
          `route ${routeKey}: integration ${integrationId} is ${String(integration.IntegrationType)} ` +
            `payload ${String(integration.PayloadFormatVersion)}; only Lambda proxy 2.0 is emulated`,
        );
      }
      const functionLogicalId = referencedResource(
        template,
        integration.IntegrationUri,
        'AWS::Lambda::Function',
      );
      if (!functionLogicalId)
        throw new Error(`route ${routeKey}: integration ${integrationId} names no function`);
      const authorization = props.AuthorizationType ?? 'NONE';
      if (authorization !== 'NONE') {
        throw new Error(`route ${routeKey}: authorization ${String(authorization)} is not emulated locally`);
      }
      routes.push({ routeKey, target: { functionLogicalId } });
    }
    return { apiLogicalId, routes };
  });
}
