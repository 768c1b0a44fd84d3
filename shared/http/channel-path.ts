/** The `{channel}` of the ops channel routes: a channel of the catalogue, anything else answers 404. */
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';

export const CHANNEL_PATH = new RegExp(`^(${ROUTING_CHANNELS.join('|')})$`);
