// Placeholder until the handler lands; the exported name is fixed: `handler`.
export const handler = async (): Promise<unknown> => ({ statusCode: 501, body: '' });
