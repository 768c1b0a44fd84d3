/** GET /health: liveness, no auth, touches nothing. */
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';

export const handler = apiHandler({}, async () => json(200, { status: 'ok' }));
