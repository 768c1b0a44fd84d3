/**
 * Reads the HTTP API wiring from the template: routes → integrations → functions, and the Lambda
 * authorizers routes use. Anything the runtime cannot emulate faithfully is an error, not a silent skip.
 */
import type { AuthorizerConfig } from './authorizer.js';
import type { Route } from './routes.js';
import { type CfnTemplate, referencedResource, requireResource, resourcesOfType } from './template.js';

export interface RouteTarget {
  readonly functionLogicalId: string;
  readonly authorizer?: AuthorizerConfig;
}

export interface HttpApiWiring {
  readonly apiLogicalId: string;
  readonly routes: Route<RouteTarget>[];
}

function authorizerConfig(template: CfnTemplate, logicalId: string): AuthorizerConfig {
  const props = requireResource(template, logicalId, 'a route').Properties ?? {};
  if (props.AuthorizerType !== 'REQUEST') {
    throw new Error(
      `authorizer ${logicalId}: type ${String(props.AuthorizerType)} is not emulated locally (REQUEST is)`,
    );
  }
  if (props.AuthorizerPayloadFormatVersion !== undefined && props.AuthorizerPayloadFormatVersion !== '2.0') {
    throw new Error(
      `authorizer ${logicalId}: payload format ${String(props.AuthorizerPayloadFormatVersion)} is not emulated (2.0 is)`,
    );
  }
  const fn = referencedResource(template, props.AuthorizerUri, 'AWS::Lambda::Function');
  if (!fn) throw new Error(`authorizer ${logicalId}: AuthorizerUri names no function of the template`);
  return {
    logicalId,
    functionLogicalId: fn,
    identitySource: (props.IdentitySource as string[] | undefined) ?? [],
    // API Gateway's default TTL for HTTP API Lambda authorizers is 0 (no caching).
    ttlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 0),
    simpleResponses: props.EnableSimpleResponses === true,
  };
}

/** The routes of every HTTP API in the template (normally one), with their functions and authorizers. */
export function httpApiWiring(template: CfnTemplate): HttpApiWiring[] {
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api').filter(
    ([, api]) => (api.Properties?.ProtocolType ?? 'HTTP') === 'HTTP',
  );
  const authorizers = new Map<string, AuthorizerConfig>();
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
      let authorizer: AuthorizerConfig | undefined;
      const authorization = props.AuthorizationType ?? 'NONE';
      if (authorization === 'CUSTOM') {
        const authorizerId = referencedResource(
          template,
          props.AuthorizerId,
          'AWS::ApiGatewayV2::Authorizer',
        );
        if (!authorizerId) throw new Error(`route ${routeKey}: CUSTOM authorization without an authorizer`);
        authorizer = authorizers.get(authorizerId) ?? authorizerConfig(template, authorizerId);
        authorizers.set(authorizerId, authorizer);
      } else if (authorization !== 'NONE') {
        throw new Error(`route ${routeKey}: authorization ${String(authorization)} is not emulated locally`);
      }
      routes.push({
        routeKey,
        target: authorizer ? { functionLogicalId, authorizer } : { functionLogicalId },
      });
    }
    return { apiLogicalId, routes };
  });
}
