/**
 * The channels payments can go through: the routing catalogue's (shared/domain/routing/catalogue.ts), so
 * the API, the events and routing name the same channels. A module of its own, zod-free: bundles that
 * only name the channels take no zod.
 */
import { ROUTING_CHANNELS, type RoutingChannel } from '../domain/routing/catalogue.js';

export const CHANNELS = ROUTING_CHANNELS;
export type Channel = RoutingChannel;
