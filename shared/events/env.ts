/** Environment of the event backbone's functions, parsed once at cold start with `loadEnv`. */
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.trim(), z.minLength(1, { error: 'must be set' }));

/** The stream publisher: the bus it puts events on (no table access: records come from the stream). */
export const publisherEnvSchema = z.object({ EVENT_BUS_NAME: nonEmpty });
