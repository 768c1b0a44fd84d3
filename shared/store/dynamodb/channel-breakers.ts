/**
 * The channels' circuit breakers on DynamoDB (keys.ts `CHANNEL#<channel>/BREAKER`), shared by every
 * merchant, function and container, over the pure machine of shared/domain/breaker.ts (contract: "Routing
 * and channel health"; modelled on Powertools' breaker):
 *
 * - a healthy call writes nothing: `succeeded` and `declined` change no state, and a closed breaker grants
 *   every probe claim without a write; only the steps that say `write` cost one;
 * - every write is a PutItem of the whole item conditioned on the version read (optimistic concurrency):
 *   a writer that lost the race re-reads (strongly consistent) and re-steps, so 20 containers reporting the
 *   same outage at once open the breaker exactly once;
 * - the half-open probe is elected by that same conditional write: one claim wins, the others re-read and
 *   find the probe taken;
 * - reads come from the container's channel records (≤ 1 s old, see channel-records.ts); a stale read only
 *   costs a lost condition and a fresh read;
 * - the store unreachable (or throttled past the SDK's retries): the breaker fails open, logged and counted
 *   (`ChannelBreakerStoreErrors`): `claimProbe` answers true, `record` returns. An unreadable health record
 *   must not stop every payment.
 *
 * Item: `{ entity: 'channelBreaker', channel, state, openedAt, failures, probeTakenAt, recentFailures,
 * version, changedAt, announce? }` (`announce`: the event of the write that opened or closed it); its stream record is the outbox of ChannelBreakerOpened / ChannelBreakerClosed
 * (shared/events/breaker-events.ts).
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type BreakerEvent, type BreakerStep, stepBreaker } from '../../domain/breaker.js';
import type { RoutingChannel } from '../../domain/routing/catalogue.js';
import { logger } from '../../http/logger.js';
import { keys } from '../keys.js';
import { countChannelMetric } from './channel-metrics.js';
import { type ChannelRecords, channelRecords, type StoredBreaker } from './channel-records.js';
import { backoffDelay, capacityParam, reportCapacity, sleep, type TableContext } from './table.js';

/** What the dispatcher reports to a channel's breaker (wave design: the breaker store interface). */
export interface BreakerRecorder {
  /** Applies one event with a conditional write when the step says so; fails open (logs, returns) on store errors. */
  record(channel: RoutingChannel, event: BreakerEvent): Promise<void>;
  /** Half-open probe election by conditional write; true = this payment is the probe. Closed → true without a write. Store error → true (fail open). */
  claimProbe(channel: RoutingChannel, at: number): Promise<boolean>;
}

/** Conditional writes tried before giving up on a contended step (each after a fresh read). */
export const BREAKER_WRITE_ATTEMPTS = 8;

/** Every writer lost every race: the step was not applied (others changed the breaker meanwhile). */
class ContendedError extends Error {
  override readonly name = 'ContendedError';
}

export class DynamoBreakerStore implements BreakerRecorder {
  private readonly records: ChannelRecords;

  constructor(
    private readonly table: TableContext,
    records?: ChannelRecords,
  ) {
    this.records = records ?? channelRecords(table);
  }

  async record(channel: RoutingChannel, event: BreakerEvent): Promise<void> {
    try {
      await this.apply(channel, event);
    } catch (error) {
      // Others kept changing the breaker; what they wrote already counts this outage.
      if (error instanceof ContendedError) logger.warn(error.message, { channel, event: event.type });
      else this.failOpen('record', channel, event, error);
    }
  }

  async claimProbe(channel: RoutingChannel, at: number): Promise<boolean> {
    try {
      return (await this.apply(channel, { type: 'claim_probe', at })).granted ?? true;
    } catch (error) {
      // Every attempt lost to other claims: the probe is someone else's.
      if (error instanceof ContendedError) return false;
      this.failOpen('claimProbe', channel, { type: 'claim_probe', at }, error);
      return true;
    }
  }

  /** Reads, steps, and writes when the step says so, re-reading after a lost condition. */
  private async apply(channel: RoutingChannel, event: BreakerEvent): Promise<BreakerStep> {
    for (let attempt = 0; attempt < BREAKER_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt));
      // A probe's answer is rare (one per cooldown) and must not be lost on a cached read from before its
      // claim: it always reads the item as it is.
      const fresh = attempt > 0 || event.type === 'probe_result';
      const { breaker, settings } = await this.records.one(channel, fresh);
      // Our own write may have landed with its answer lost (the SDK's retry then meets the new version):
      // the failure it carried is already counted.
      if (attempt > 0 && event.type === 'unavailable' && breaker.state.failures.includes(event.at)) {
        return { next: breaker.state, write: false, publish: null };
      }
      const step = stepBreaker(breaker.state, settings.breaker, event);
      if (!step.write) return step;
      try {
        const written = await this.write(channel, breaker, step, event.at);
        this.records.remember(channel, { breaker: written });
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue;
        throw error;
      }
      if (step.publish) {
        countChannelMetric(step.publish, channel, `channel breaker ${step.next.state}`);
      }
      return step;
    }
    throw new ContendedError(`breaker of ${channel}: every conditional write lost a race`);
  }

  private async write(
    channel: RoutingChannel,
    previous: StoredBreaker,
    step: BreakerStep,
    at: number,
  ): Promise<StoredBreaker> {
    const version = previous.version + 1;
    const { state, openedAt, failures, probeTakenAt } = step.next;
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall({
          ...keys.channelBreaker(channel),
          entity: 'channelBreaker',
          channel,
          state,
          openedAt,
          failures: [...failures],
          probeTakenAt,
          recentFailures: failures.length,
          version,
          changedAt: new Date(at).toISOString(),
          // The stream publishes the change this write makes (shared/events/breaker-events.ts).
          ...(step.publish ? { announce: step.publish } : {}),
        }),
        ...(previous.version === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: marshall({ ':v': previous.version }),
            }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'channelBreaker.put', out.ConsumedCapacity);
    return { state: step.next, version };
  }

  private failOpen(operation: string, channel: RoutingChannel, event: BreakerEvent, error: unknown): void {
    logger.warn('channel breaker store unavailable: failing open', {
      operation,
      channel,
      event: event.type,
      error: error as Error,
    });
    countChannelMetric('ChannelBreakerStoreErrors', channel, 'channel breaker store error');
  }
}
