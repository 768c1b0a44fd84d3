/**
 * Every payments event's `source`. Its own module so that the publisher, which validates nothing,
 * does not bundle the zod schemas to get it.
 */
export const EVENT_SOURCE = 'payments';
