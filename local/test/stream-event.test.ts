import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromWireRecord, toLambdaRecord } from '../src/stream-event.js';

describe('DynamoDB stream records for Lambda', () => {
  it('turns a Streams API record into the Lambda event record', () => {
    // Prepare: what @aws-sdk/client-dynamodb-streams returns from GetRecords
    const apiRecord = sdkRecord();

    // Act
    const r = toLambdaRecord(apiRecord, 'us-east-1', 'arn:stream');

    // Assess
    assert.deepEqual(JSON.parse(JSON.stringify(r)), {
      eventID: '1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { PK: { S: 'OBJ#1' }, SK: { S: 'OBJ' } },
        NewImage: { PK: { S: 'OBJ#1' }, amount: { N: '1050' }, blob: { B: 'AQID' } },
        SequenceNumber: '000000000000000000001',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: 'arn:stream',
    });
  });

  it("makes the same Lambda record of the API's JSON wire record, its attribute values taken as they are", () => {
    // Prepare: what DynamoDB Local's GetRecords answers as JSON for the record of the test above
    const wire = {
      eventID: '1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000.5,
        Keys: { PK: { S: 'OBJ#1' }, SK: { S: 'OBJ' } },
        NewImage: { PK: { S: 'OBJ#1' }, amount: { N: '1050' }, blob: { B: 'AQID' } },
        SequenceNumber: '000000000000000000001',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };

    // Act
    const r = fromWireRecord(wire, 'us-east-1', 'arn:stream');

    // Assess
    assert.equal(JSON.stringify(r), JSON.stringify(toLambdaRecord(sdkRecord(), 'us-east-1', 'arn:stream')));
    assert.equal(r.dynamodb.NewImage, wire.dynamodb.NewImage);
  });

  it('keeps the TTL service principal of a record deleted by TTL', () => {
    const r = toLambdaRecord(
      {
        eventName: 'REMOVE',
        dynamodb: { SequenceNumber: '2' },
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      },
      'us-east-1',
      'arn',
    );
    assert.deepEqual(r.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });
});

/** What @aws-sdk/client-dynamodb-streams returns from GetRecords for one inserted item. */
function sdkRecord() {
  return {
    eventID: '1',
    eventName: 'INSERT' as const,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date(1_700_000_000_500),
      Keys: { PK: { S: 'OBJ#1' }, SK: { S: 'OBJ' } },
      NewImage: { PK: { S: 'OBJ#1' }, amount: { N: '1050' }, blob: { B: new Uint8Array([1, 2, 3]) } },
      SequenceNumber: '000000000000000000001',
      SizeBytes: 42,
      StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
    },
  };
}
