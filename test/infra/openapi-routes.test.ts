/**
 * The API Gateway routes of the template are exactly the operations of the OpenAPI document
 * (shared/schemas/openapi.ts): a route added to the stack without documentation, or documentation of a
 * route the stack does not have, fails here. Routes only, so the synthesis skips bundling.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApi } from '../../shared/schemas/openapi.js';
import { synthesize } from './synthesized.js';

const { resources } = synthesize({ 'aws:cdk:bundling-stacks': [] });

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

describe('API routes and the OpenAPI document', () => {
  it('has one documented operation per route of the template, and no other', () => {
    // Prepare
    const { paths } = buildOpenApi() as { paths: Record<string, Record<string, unknown>> };
    // Act
    const allKeys = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey as string);
    // `$default` is no operation: it answers 404 / 405 problems for requests no route matches.
    assert.ok(allKeys.includes('$default'), 'the API must have its $default route');
    // Nor are the ops console's pages and files (HTML, script, style), served beside the API.
    const consoleKeys = ['GET /console', 'GET /console/{proxy+}'];
    assert.ok(
      consoleKeys.every((key) => allKeys.includes(key)),
      'the API must serve the ops console',
    );
    const routeKeys = allKeys.filter((key) => key !== '$default' && !consoleKeys.includes(key));
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => HTTP_METHODS.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    // Assess
    assert.equal(new Set(routeKeys).size, routeKeys.length, 'a route key is repeated in the template');
    assert.deepEqual(
      [...routeKeys].sort(),
      [...documented].sort(),
      'every RouteKey of the template must be an operation of buildOpenApi() (and vice versa)',
    );
  });
});
