/**
 * Channels' settings (keys.ts `CHANNEL#<channel>/SETTINGS`): fees by currency and breaker thresholds,
 * one item per channel, replaced whole by ops (PUT /v1/ops/channels/{channel}). A channel without an item
 * has its defaults (shared/domain/channel-defaults.ts). Reads go through the container's channel records
 * (≤ 1 s old), so a PUT applies to every new payment within 2 s.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { safeParse } from 'zod/mini';
import type { ChannelSettingsValue } from '../../domain/channel-defaults.js';
import type { RoutingChannel } from '../../domain/routing/catalogue.js';
import { channelSettingsSchema, unsupportedFeeCurrencies } from '../../schemas/routing.js';
import { keys } from '../keys.js';
import { type ChannelRecords, channelRecords } from './channel-records.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** Settings that the schema or the channel's currencies refuse; `issues` name the fields. */
export class InvalidChannelSettingsError extends TypeError {
  override readonly name = 'InvalidChannelSettingsError';
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`invalid channel settings: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  }
}

export class DynamoChannelSettingsStore {
  private readonly records: ChannelRecords;

  constructor(
    private readonly table: TableContext,
    records?: ChannelRecords,
  ) {
    this.records = records ?? channelRecords(table);
  }

  /** The channel's settings (its defaults when ops never set any), at most 1 s old. */
  async get(channel: RoutingChannel): Promise<ChannelSettingsValue> {
    return (await this.records.one(channel)).settings;
  }

  /** Every channel's settings asked for, in one read. */
  async getAll(channels: readonly RoutingChannel[]): Promise<Map<RoutingChannel, ChannelSettingsValue>> {
    const records = await this.records.read(channels);
    return new Map([...records].map(([channel, record]) => [channel, record.settings]));
  }

  /**
   * Replaces the channel's settings (validated again here, fees only in currencies the channel takes).
   * Idempotent by nature. @returns what is stored. @throws InvalidChannelSettingsError
   */
  async put(
    channel: RoutingChannel,
    settings: ChannelSettingsValue,
    now: Date = new Date(),
  ): Promise<ChannelSettingsValue> {
    const parsed = safeParse(channelSettingsSchema, settings);
    if (!parsed.success) {
      throw new InvalidChannelSettingsError(
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    const unsupported = unsupportedFeeCurrencies(channel, parsed.data);
    if (unsupported.length > 0) throw new InvalidChannelSettingsError(unsupported);
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall({
          ...keys.channelSettings(channel),
          entity: 'channelSettings',
          channel,
          settings: parsed.data,
          updatedAt: now.toISOString(),
        }),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'channelSettings.put', out.ConsumedCapacity);
    this.records.remember(channel, { settings: parsed.data, settingsStored: true });
    return parsed.data;
  }
}
