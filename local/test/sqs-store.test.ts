/**
 * Queues kept on disk (`--persist`): a restart gives back every message with its receive count, one in
 * flight at the stop is visible again at once (its consumer stopped with the emulator), dead letters stay dead letters, deleted ones
 * stay deleted, and a torn last write (a SIGKILL mid-line, a crash) neither stops the next start nor
 * loses what was written before it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DurableLog, readJournal } from '../src/durable-log.js';
import { type QueueConfig, SqsBroker } from '../src/sqs.js';
import { FileQueueStore } from '../src/sqs-store.js';

const ACCOUNT = '000000000000';
const queue = (name: string, extra: Partial<QueueConfig> = {}): QueueConfig => ({
  logicalId: name,
  name,
  visibilityTimeout: 30,
  messageRetentionPeriod: 345_600,
  delaySeconds: 0,
  receiveMessageWaitTimeSeconds: 0,
  maximumMessageSize: 1_048_576,
  sqsManagedSseEnabled: true,
  ...extra,
});
const QUEUES = [
  queue('work', {
    redrivePolicy: { deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`, maxReceiveCount: 2 },
  }),
  queue('dlq'),
];

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function journalFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqs-store-'));
  dirs.push(dir);
  return join(dir, 'sqs.jsonl');
}

/** A broker over the journal, as the runtime builds one at each start. */
function start(file: string, visibilityTimeout?: number) {
  const store = new FileQueueStore(file);
  const queues = visibilityTimeout === undefined ? QUEUES : QUEUES.map((q) => ({ ...q, visibilityTimeout }));
  const broker = new SqsBroker({ region: 'us-east-1', accountId: ACCOUNT, queues, store });
  const q = (name: string) => broker.queueByName(name) ?? assert.fail(`no queue ${name}`);
  return { broker, store, work: q('work'), dlq: q('dlq') };
}

describe('queues kept on disk', () => {
  it('gives back sent messages after a restart, and not the deleted ones', async () => {
    // Prepare
    const file = journalFile();
    const first = start(file);
    first.broker.send(first.work, {
      body: 'a',
      messageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    });
    const b = first.broker.send(first.work, { body: 'b' });
    first.broker.send(first.work, { body: 'c' });
    const [received] = first.broker.receiveNow(first.work);
    assert.equal(received?.body, 'a');
    first.broker.delete(first.work, received?.receiptHandle);
    await first.broker.flush();
    first.broker.stop();

    // Act
    const second = start(file);

    // Assess
    const bodies = second.broker.receiveNow(second.work, { maxNumberOfMessages: 10 }).map((m) => m.body);
    assert.deepEqual(bodies.sort(), ['b', 'c']);
    const again = second.broker.peek(second.work).find((m) => m.messageId === b.messageId);
    assert.equal(again?.md5OfBody, b.md5OfBody, 'a message keeps its id and body digest');
    second.broker.stop();
  });

  it('makes a message in flight at the stop visible at once after the restart, counting receives', async () => {
    // Prepare: received (in flight for 180 s, the consumers' timeout), never deleted: its consumer, one of the
    // emulator's own event source mappings, stopped with the runtime
    const file = journalFile();
    const first = start(file, 180);
    first.broker.send(first.work, { body: 'in flight' });
    const [held] = first.broker.receiveNow(first.work);
    assert.equal(held?.body, 'in flight');
    await first.broker.flush();
    first.broker.stop();

    // Act
    const second = start(file, 180);

    // Assess: delivered right away with its second receive; the old receipt handle no longer deletes it
    const [back] = second.broker.receiveNow(second.work);
    assert.equal(back?.body, 'in flight');
    assert.equal(back?.receiveCount, 2);
    assert.notEqual(back?.receiptHandle, held?.receiptHandle);
    second.broker.stop();
  });

  it('keeps dead letters in the dead-letter queue across a restart', async () => {
    // Prepare: two receives used up, the third receive moves it to the DLQ
    const file = journalFile();
    const first = start(file, 0);
    first.broker.send(first.work, { body: 'poison' });
    first.broker.receiveNow(first.work);
    first.broker.receiveNow(first.work);
    assert.equal(first.broker.receiveNow(first.work).length, 0);
    first.broker.stop();

    // Act
    const second = start(file, 0);

    // Assess
    assert.equal(second.broker.peek(second.work).length, 0);
    const [dead] = second.broker.peek(second.dlq);
    assert.equal(dead?.body, 'poison');
    assert.equal(dead?.deadLetterQueueSourceArn, second.work.arn);
    second.broker.stop();
  });

  it('starts after a torn last write, keeping every message written before it', () => {
    // Prepare: two whole entries, then half a line (the process was killed mid-write)
    const file = journalFile();
    const first = start(file);
    first.broker.send(first.work, { body: 'one' });
    first.broker.send(first.work, { body: 'two' });
    first.broker.stop();
    appendFileSync(file, '{"q":"work","m":{"messageId":"torn","bo');

    // Act
    const second = start(file);

    // Assess: the torn entry is dropped and the journal is whole again for what follows
    assert.equal(second.store.damaged, 1);
    assert.deepEqual(
      second.broker
        .peek(second.work)
        .map((m) => m.body)
        .sort(),
      ['one', 'two'],
    );
    second.broker.send(second.work, { body: 'three' });
    second.broker.stop();
    const third = start(file);
    assert.equal(third.store.damaged, 0);
    assert.deepEqual(
      third.broker
        .peek(third.work)
        .map((m) => m.body)
        .sort(),
      ['one', 'three', 'two'],
    );
    third.broker.stop();
  });

  it('ignores a damaged line in the middle and a journal that is not JSON at all', () => {
    // Prepare
    const file = journalFile();
    writeFileSync(file, 'garbage\n{"q":"work","m":null}\n');

    // Act
    const { broker, store, work } = start(file);

    // Assess
    assert.equal(store.damaged, 1);
    assert.equal(broker.peek(work).length, 0);
    broker.stop();
  });
});

describe('the durable log', () => {
  it('compacts to a snapshot atomically and appends after it', async () => {
    // Prepare
    const file = journalFile();
    const log = new DurableLog<{ n: number }>(file, [{ n: 1 }]);
    log.append({ n: 2 });
    await log.sync();

    // Act
    log.compact([{ n: 9 }]);
    log.append({ n: 10 });
    await log.sync();
    log.close();

    // Assess
    assert.deepEqual(readJournal<{ n: number }>(file).entries, [{ n: 9 }, { n: 10 }]);
    assert.equal(readFileSync(file, 'utf8').endsWith('\n'), true);
  });

  it('lets concurrent callers share one sync', async () => {
    const file = journalFile();
    const log = new DurableLog<{ n: number }>(file);
    for (let n = 0; n < 50; n += 1) log.append({ n });
    await Promise.all(Array.from({ length: 10 }, () => log.sync()));
    log.close();
    assert.equal(readJournal(file).entries.length, 50);
  });
});
