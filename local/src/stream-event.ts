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

/** A record of the DynamoDB Streams API as its JSON wire format has it (stream-records.ts). */
export interface WireStreamRecord {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly eventVersion?: string;
  readonly dynamodb?: {
    /** Epoch seconds. */
    readonly ApproximateCreationDateTime?: number;
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber?: string;
    readonly SizeBytes?: number;
    readonly StreamViewType?: string;
  };
  readonly userIdentity?: { readonly Type?: string; readonly PrincipalId?: string };
}

/** The Lambda event record for a record read from the DynamoDB Streams API through the SDK. */
export function toLambdaRecord(
  record: StreamApiRecord,
  region: string,
  streamArn: string,
): LambdaStreamRecord {
  const d = record.dynamodb ?? {};
  return lambdaRecord(
    record,
    {
      ...d,
      ApproximateCreationDateTime: d.ApproximateCreationDateTime
        ? new Date(d.ApproximateCreationDateTime).getTime() / 1000
        : undefined,
    },
    jsonAttributes as (images: unknown) => Record<string, unknown>,
    region,
    streamArn,
  );
}

/**
 * The Lambda event record for a record as the API's JSON has it: its attribute values are already JSON,
 * so they are taken as they are, not copied.
 */
export function fromWireRecord(record: WireStreamRecord, region: string, streamArn: string) {
  return lambdaRecord(record, record.dynamodb ?? {}, (images) => images, region, streamArn);
}

function lambdaRecord(
  record: WireStreamRecord | StreamApiRecord,
  d: Omit<NonNullable<WireStreamRecord['dynamodb']>, 'Keys' | 'NewImage' | 'OldImage'> & {
    readonly Keys?: unknown;
    readonly NewImage?: unknown;
    readonly OldImage?: unknown;
  },
  attributes: (images: Record<string, unknown>) => Record<string, unknown>,
  region: string,
  streamArn: string,
): LambdaStreamRecord {
  const dynamodb: Record<string, unknown> = {};
  if (d.ApproximateCreationDateTime)
    dynamodb.ApproximateCreationDateTime = Math.floor(d.ApproximateCreationDateTime);
  if (d.Keys) dynamodb.Keys = attributes(d.Keys as Record<string, unknown>);
  if (d.NewImage) dynamodb.NewImage = attributes(d.NewImage as Record<string, unknown>);
  if (d.OldImage) dynamodb.OldImage = attributes(d.OldImage as Record<string, unknown>);
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
