/**
 * The event source mappings, running: a stream poller per DynamoDB stream mapping (its checkpoints in
 * memory, or on disk with `--persist`; its SQS on-failure destination) and a queue poller per SQS
 * mapping. Their stop is ordered around the functions' so that no poller is left waiting on a worker.
 */
import { join } from 'node:path';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { fileCheckpoints, memoryCheckpoints } from './checkpoints.js';
import type { SqsMapping } from './event-wiring.js';
import type { InvokeResult, LambdaFunction } from './lambda-runner.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import type { RequestGate } from './request-gate.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './runtime-options.js';
import type { Cleanup } from './runtime-stop.js';
import type { SqsBroker } from './sqs.js';
import { SqsPoller } from './sqs-poller.js';
import type { StreamMapping } from './stream-mappings.js';
import { streamRecordsReader } from './stream-records.js';
import { StreamPoller } from './streams.js';

export interface PollersInput {
  readonly mappings: readonly StreamMapping[];
  readonly queueMappings: readonly SqsMapping[];
  /** Run-time attributes: the tables' `<logicalId>.StreamArn`. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly broker: SqsBroker;
  readonly streamsClient: DynamoDBStreamsClient;
  /** DynamoDB Local's endpoint, which serves the stream API: the pollers read records from it. */
  readonly dynamoEndpoint: string;
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  readonly invoke: (logicalId: string, event: unknown) => Promise<InvokeResult>;
  readonly log: Logger;
  readonly metering: LocalMetering | undefined;
  /** Where `--persist` keeps the stream positions; undefined keeps them in memory. */
  readonly dataDir: string | undefined;
  readonly cleanups: Cleanup[];
  /** The functions' cleanup: the pollers are awaited just before it runs. */
  readonly closeFunctions: Cleanup;
  /** Requests first: every poller waits for a quiet moment (bounded) before its next batch. */
  readonly gate?: RequestGate;
}

/** Starts every poller and registers their stop. */
export function startPollers({
  mappings,
  queueMappings,
  attributes,
  broker,
  streamsClient,
  dynamoEndpoint,
  functions,
  invoke,
  log,
  metering,
  dataDir,
  cleanups,
  closeFunctions,
  gate,
}: PollersInput): void {
  const checkpoints = dataDir
    ? fileCheckpoints(join(dataDir, 'stream-checkpoints.json'))
    : memoryCheckpoints();
  const records = streamRecordsReader(dynamoEndpoint, LOCAL_REGION);
  cleanups.push(async () => records.close());
  const pollers = mappings.map((mapping) => {
    const streamArn = attributes[`${mapping.tableLogicalId}.StreamArn`];
    if (!streamArn)
      throw new Error(
        `event source mapping ${mapping.logicalId}: table ${mapping.tableLogicalId} has no stream`,
      );
    // Lambda sends an SQS OnFailure destination a record of the discarded batch (not the records).
    const onFailureQueue = mapping.onFailure ? broker.queueByArn(mapping.onFailure) : undefined;
    return new StreamPoller({
      client: streamsClient,
      records,
      streamArn,
      mapping,
      region: LOCAL_REGION,
      invoke: (event) => invoke(mapping.functionLogicalId, event),
      log,
      checkpoints,
      ...(gate ? { gate } : {}),
      ...(onFailureQueue
        ? {
            onFailure: (record) =>
              broker.send(onFailureQueue, {
                body: JSON.stringify({
                  ...record,
                  requestContext: {
                    ...record.requestContext,
                    functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functions.get(mapping.functionLogicalId)?.spec.functionName}`,
                  },
                }),
              }),
          }
        : {}),
    });
  });
  const queuePollers = queueMappings.map((mapping) => {
    const queue = broker.queueByName(
      broker.queues.find((q) => q.config.logicalId === mapping.queueLogicalId)?.config.name ?? '',
    );
    if (!queue)
      throw new Error(`event source mapping ${mapping.logicalId}: queue ${mapping.queueLogicalId} missing`);
    return new SqsPoller({
      broker,
      queue,
      mapping,
      region: LOCAL_REGION,
      invoke: (event) => invoke(mapping.functionLogicalId, event),
      log,
      ...(metering ? { metering } : {}),
      ...(gate ? { gate } : {}),
    });
  });
  for (const p of pollers) p.start();
  for (const p of queuePollers) p.start();
  // Shutdown order: pollers are told to stop first, then the server and the functions go (which ends
  // any invocation a poller still waits on), and only then are the pollers awaited.
  let pollersStopped: Promise<unknown> = Promise.resolve();
  cleanups.splice(cleanups.indexOf(closeFunctions), 0, () => pollersStopped.then(() => undefined));
  cleanups.push(async () => {
    pollersStopped = Promise.all([...pollers, ...queuePollers].map((p) => p.stop()));
  });
}
