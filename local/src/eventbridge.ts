/**
 * The EventBridge endpoint: `PutEvents` over the AWS JSON 1.1 protocol (`X-Amz-Target:
 * AWSEvents.PutEvents`), validated as EventBridge does; each accepted entry becomes the event envelope,
 * is appended to the archives of its bus and delivered to the SQS targets of every enabled rule whose
 * event pattern matches (the body of the SQS message is the event JSON, as EventBridge sends it).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AwsError, type AwsJsonServer, startAwsJsonServer } from './aws-json.js';
import { matchesPattern, type Pattern } from './filter-pattern.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import type { LocalQueue, SqsBroker } from './sqs.js';

export interface EventTarget {
  readonly id: string;
  readonly queue: LocalQueue;
  /** `Input`: a constant JSON text sent instead of the event. */
  readonly input?: string;
  /** `InputPath`: a simple JSONPath (`$.detail`) into the event. */
  readonly inputPath?: string;
}

export interface EventRule {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  readonly pattern: Pattern;
  readonly enabled: boolean;
  readonly targets: readonly EventTarget[];
}

export interface EventArchive {
  readonly logicalId: string;
  readonly name: string;
  readonly busName: string;
  readonly pattern?: Pattern;
  /** With --persist: the JSON Lines file the archive appends to. */
  file?: string;
}

export interface EventBus {
  readonly logicalId?: string;
  readonly name: string;
  readonly arn: string;
}

/** The event envelope EventBridge delivers. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

export interface EventBridgeOptions {
  readonly region: string;
  readonly accountId: string;
  readonly buses: readonly EventBus[];
  readonly rules: readonly EventRule[];
  readonly archives: readonly EventArchive[];
  readonly broker: SqsBroker;
  readonly log: Logger;
  /** Counts PutEvents entries, archived bytes and rule deliveries when given (the bench). */
  readonly metering?: LocalMetering;
}

type Entry = Record<string, unknown>;
type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** EventBridge's limit on the total size of a PutEvents request's entries. */
const MAX_ENTRIES_BYTES = 256 * 1024;

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An entry's size as EventBridge counts it (UTF-8 bytes of its fields). */
function entrySize(entry: Entry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const key of ['Source', 'DetailType', 'Detail']) {
    const v = entry[key];
    if (typeof v === 'string') size += Buffer.byteLength(v);
  }
  for (const r of Array.isArray(entry.Resources) ? entry.Resources : []) size += Buffer.byteLength(String(r));
  return size;
}

function parseTime(raw: unknown): Date {
  if (typeof raw === 'number') return new Date(raw * 1000);
  if (typeof raw === 'string') {
    const d = new Date(raw);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

/** The value at a `$.a.b` path (what local InputPath supports). */
function atPath(event: unknown, path: string): unknown {
  if (path === '$') return event;
  let value: unknown = event;
  for (const key of path.replace(/^\$\./, '').split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * Events each archive keeps in memory, the latest ones (at most twice this between trims). Nothing replays
 * them; with `--persist` the archive's file keeps every event. Unbounded, a load test's events stayed
 * resident: about 10,000 after 2,500 lifecycles, each with its payment's snapshot.
 */
export const ARCHIVED_IN_MEMORY = 1_000;

export class EventBridge {
  private readonly buses = new Map<string, EventBus>();
  /** The latest accepted events per archive name, in order (the in-memory archive, see ARCHIVED_IN_MEMORY). */
  readonly archived = new Map<string, BusEvent[]>();

  constructor(private readonly options: EventBridgeOptions) {
    for (const bus of options.buses) this.buses.set(bus.name, bus);
    for (const archive of options.archives) {
      this.archived.set(archive.name, []);
      if (archive.file) mkdirSync(dirname(archive.file), { recursive: true });
    }
  }

  /** The bus an `EventBusName` (a name or an ARN) designates. */
  bus(nameOrArn: unknown): EventBus | undefined {
    const raw = typeof nameOrArn === 'string' && nameOrArn ? nameOrArn : 'default';
    const name = raw.startsWith('arn:') ? raw.slice(raw.indexOf(':event-bus/') + ':event-bus/'.length) : raw;
    return this.buses.get(name);
  }

  /** Resolves once the messages delivered so far are stored (`--persist`); PutEvents answers after it. */
  flush(): Promise<void> {
    return this.options.broker.flush();
  }

  putEvents(input: Entry): { FailedEntryCount: number; Entries: ResultEntry[] } {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      const count = Array.isArray(entries) ? entries.length : 0;
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${count < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
      );
    }
    const total = (entries as Entry[]).reduce((n, e) => n + entrySize(e ?? {}), 0);
    if (total > MAX_ENTRIES_BYTES) {
      throw new AwsError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    let failed = 0;
    const results = (entries as Entry[]).map((entry): ResultEntry => {
      const result = this.putEntry(entry ?? {});
      if ('ErrorCode' in result) failed += 1;
      return result;
    });
    this.options.metering?.putEvents(
      (entries as Entry[]).map((e, i) => ({
        bytes: entrySize(e ?? {}),
        accepted: !('ErrorCode' in (results[i] as ResultEntry)),
      })),
    );
    return { FailedEntryCount: failed, Entries: results };
  }

  private putEntry(entry: Entry): ResultEntry {
    const invalid = (name: string) => ({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
    });
    if (typeof entry.Source !== 'string' || !entry.Source) return invalid('Source');
    if (typeof entry.DetailType !== 'string' || !entry.DetailType) return invalid('DetailType');
    if (typeof entry.Detail !== 'string' || !entry.Detail) return invalid('Detail');
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (entry.Source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const bus = this.bus(entry.EventBusName);
    if (!bus) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.`,
      };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.accountId,
      time: isoSeconds(parseTime(entry.Time)),
      region: this.options.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: detail as Record<string, unknown>,
    };
    this.dispatch(bus, event);
    return { EventId: event.id };
  }

  private dispatch(bus: EventBus, event: BusEvent): void {
    let archivedBytes = 0;
    for (const archive of this.options.archives) {
      if (archive.busName !== bus.name) continue;
      if (archive.pattern && !matchesPattern(archive.pattern, event)) continue;
      const kept = this.archived.get(archive.name);
      kept?.push(event);
      if (kept && kept.length >= 2 * ARCHIVED_IN_MEMORY) kept.splice(0, kept.length - ARCHIVED_IN_MEMORY);
      if (archive.file) appendFileSync(archive.file, `${JSON.stringify(event)}\n`);
      if (this.options.metering) archivedBytes += Buffer.byteLength(JSON.stringify(event));
    }
    this.options.metering?.eventAccepted(event, archivedBytes);
    for (const rule of this.options.rules) {
      if (rule.busName !== bus.name || !rule.enabled || !matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        const body =
          target.input ??
          (target.inputPath
            ? JSON.stringify(atPath(event, target.inputPath) ?? null)
            : JSON.stringify(event));
        this.options.broker.send(target.queue, { body });
        this.options.metering?.ruleDelivery(Buffer.byteLength(body));
        this.options.log.info(
          `event ${event['detail-type']} ${event.id} → rule ${rule.name} → ${target.queue.config.name}`,
        );
      }
    }
  }
}

/** Starts the EventBridge endpoint (PutEvents only). */
export async function startEventBridgeEndpoint(
  bridge: EventBridge,
  log: Logger,
  port?: number,
): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    name: 'EventBridge',
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    typePrefix: '',
    queryCompatible: false,
    log,
    port,
    handle: async (action, input) => {
      if (action === 'PutEvents') {
        // Write-ahead: the publisher's stream position moves on only once its events' messages are stored.
        const result = bridge.putEvents(input);
        await bridge.flush();
        return result;
      }
      throw new AwsError(
        'UnknownOperationException',
        `${action} is not supported by the local EventBridge endpoint.`,
      );
    },
  });
}
