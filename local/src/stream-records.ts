/**
 * GetRecords of DynamoDB Local's stream API as plain JSON over kept-alive connections: the stream pollers'
 * hot path. Through the SDK client, each page was deserialized attribute by attribute against the API's
 * schema (a Set, iterators and a new object per attribute value), then copied once more into the Lambda
 * event: during a burst of creates, a third of everything the runtime's main thread allocated, and that
 * thread's heap grows with what it allocates. The wire records are already what Lambda delivers (attribute
 * values as JSON, binaries as base64 strings, the creation time in epoch seconds), so they are passed on
 * as parsed (stream-event.ts, `fromWireRecord`). The other stream calls (a few a second) keep the SDK.
 */
import http from 'node:http';
import type { WireStreamRecord } from './stream-event.js';

export interface RecordsPage {
  readonly Records?: readonly WireStreamRecord[];
  readonly NextShardIterator?: string;
}

export interface StreamRecordsReader {
  /** One page after `iterator`; rejects with an Error named as the API's error (`ExpiredIteratorException`). */
  getRecords(iterator: string, limit: number): Promise<RecordsPage>;
  close(): void;
}

/** A reader of `endpoint` (DynamoDB Local's, which serves the stream API too). */
export function streamRecordsReader(endpoint: string, region: string): StreamRecordsReader {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true });
  // DynamoDB Local takes the access key from a SigV4 header and checks no signature.
  const authorization =
    `AWS4-HMAC-SHA256 Credential=local/20000101/${region}/dynamodb/aws4_request, ` +
    'SignedHeaders=host, Signature=0';
  const getRecords = (iterator: string, limit: number) =>
    new Promise<RecordsPage>((resolve, reject) => {
      const body = JSON.stringify({ ShardIterator: iterator, Limit: limit });
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDBStreams_20120810.GetRecords',
            authorization,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              // Not JSON: reported below with the status.
            }
            if (res.statusCode === 200) {
              resolve(parsed as RecordsPage);
              return;
            }
            const type = String(parsed.__type ?? `HTTP ${res.statusCode}`);
            const error = new Error(String(parsed.message ?? parsed.Message ?? text));
            error.name = type.slice(type.lastIndexOf('#') + 1);
            reject(error);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { getRecords, close: () => agent.destroy() };
}
