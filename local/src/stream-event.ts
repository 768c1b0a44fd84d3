/**
 * DynamoDB stream records as Lambda delivers them: the DynamoDB Streams API record with the creation
 * time in epoch seconds, binary attributes base64-encoded (the event is JSON), the region of the
 * function and the stream ARN added as `eventSourceARN`.
 */
import type { _Record as StreamApiRecord } from '@aws-sdk/client-dynamodb-streams';

export interface LambdaStreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: string;
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: string;
  };
  readonly userIdentity?: { readonly type: string; readonly principalId: string };
  readonly eventSourceARN: string;
}

/** Binary values (`B`, `BS`) travel as base64 strings in JSON; everything else is already JSON-ready. */
function jsonAttributes(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonAttributes);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonAttributes(v);
    return out;
  }
  return value;
}

/** The Lambda event record for a record read from the DynamoDB Streams API. */
export function toLambdaRecord(
  record: StreamApiRecord,
  region: string,
  streamArn: string,
): LambdaStreamRecord {
  const d = record.dynamodb ?? {};
  const dynamodb: Record<string, unknown> = {};
  if (d.ApproximateCreationDateTime) {
    dynamodb.ApproximateCreationDateTime = Math.floor(
      new Date(d.ApproximateCreationDateTime).getTime() / 1000,
    );
  }
  if (d.Keys) dynamodb.Keys = jsonAttributes(d.Keys);
  if (d.NewImage) dynamodb.NewImage = jsonAttributes(d.NewImage);
  if (d.OldImage) dynamodb.OldImage = jsonAttributes(d.OldImage);
  dynamodb.SequenceNumber = d.SequenceNumber;
  if (d.SizeBytes !== undefined) dynamodb.SizeBytes = d.SizeBytes;
  if (d.StreamViewType) dynamodb.StreamViewType = d.StreamViewType;
  const out: Record<string, unknown> = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
  };
  if (record.userIdentity?.Type && record.userIdentity.PrincipalId) {
    out.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  }
  out.eventSourceARN = streamArn;
  return out as unknown as LambdaStreamRecord;
}
