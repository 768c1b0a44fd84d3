/**
 * One function serving several routes of one resource family (a CloudFormation stack holds at most 500
 * resources, and a route on an existing function costs a route and a permission where a new function
 * costs six more: docs/architecture.md, "Stack size"). API Gateway names the route it matched in the
 * event's `routeKey` (`GET /v1/ops/reconciliation/runs`); each route keeps its own `apiHandler` chain.
 */
import type { Context } from 'aws-lambda';
import type { ApiEvent } from './api-event.js';

type RouteHandler<R> = (event: ApiEvent, context: Context) => Promise<R>;

/** The handler of `routes` by route key. @throws for a route key the function was not given (a wiring error). */
export function byRoute<R>(routes: Readonly<Record<string, RouteHandler<R>>>): RouteHandler<R> {
  return (event, context) => {
    const route = Object.hasOwn(routes, event.routeKey ?? '') ? routes[event.routeKey ?? ''] : undefined;
    if (!route) throw new Error(`this function serves no route ${String(event.routeKey)}`);
    return route(event, context);
  };
}
