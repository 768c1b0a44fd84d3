/**
 * The services of the product (DESIGN.md principle 7): each is one CloudFormation stack
 * (`Payments-<Service>-<stage>`), owns its key prefixes (infra/services/data-ownership.ts), and talks to
 * the others only through the API, the bus (shared/events/catalogue.ts) and SSM parameters
 * (infra/stacks/parameters.ts). One list, read by all three. No imports: the stacks, the functions'
 * tests and the docs script read it alike.
 */
export const SERVICES = [
  'core',
  'channels',
  'risk',
  'reconciliation',
  'settlement',
  'webhooks',
  'gateway',
  'console',
] as const;
export type Service = (typeof SERVICES)[number];

/** The construct id of a service's stack: `core` → `Payments-Core`. */
export const stackIdOf = (service: Service | 'foundation') =>
  `Payments-${service[0]?.toUpperCase()}${service.slice(1)}`;
