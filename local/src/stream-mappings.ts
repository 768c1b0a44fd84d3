/** Reads the template's `AWS::Lambda::EventSourceMapping`s on DynamoDB table streams. */
import type { Pattern } from './filter-pattern.js';
import { type ResolveContext, resolveValue } from './resolve.js';
import type { BatchPolicy } from './stream-batches.js';
import { type CfnTemplate, referencedResource, resourcesOfType } from './template.js';

export interface StreamMapping extends BatchPolicy {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly tableLogicalId: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly filters: readonly Pattern[];
  /** Resolved OnFailure destination ARN, if any. */
  readonly onFailure?: string;
}

/** The enabled stream mappings of the template (other event sources are not this module's business). */
export function streamMappings(template: CfnTemplate, ctx: ResolveContext): StreamMapping[] {
  const out: StreamMapping[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const props = resource.Properties ?? {};
    const tableLogicalId = referencedResource(template, props.EventSourceArn, 'AWS::DynamoDB::Table');
    if (!tableLogicalId || props.Enabled === false) continue;
    const functionLogicalId = referencedResource(template, props.FunctionName, 'AWS::Lambda::Function');
    if (!functionLogicalId)
      throw new Error(`event source mapping ${logicalId}: FunctionName names no function`);
    const filters = (
      (props.FilterCriteria as { Filters?: Array<{ Pattern?: string }> } | undefined)?.Filters ?? []
    ).map((f, i) => {
      try {
        return JSON.parse(String(f.Pattern)) as Pattern;
      } catch (error) {
        throw new Error(
          `event source mapping ${logicalId}: filter ${i} is not JSON: ${(error as Error).message}`,
        );
      }
    });
    const destination = (props.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
      ?.OnFailure?.Destination;
    let onFailure: string | undefined;
    if (destination !== undefined) {
      try {
        onFailure = String(resolveValue(ctx, destination));
      } catch {
        // Destinations other than the ones resolvable locally (SQS comes later) are still named.
        onFailure = JSON.stringify(destination);
      }
    }
    const position = String(props.StartingPosition ?? 'LATEST');
    if (position !== 'TRIM_HORIZON' && position !== 'LATEST') {
      throw new Error(
        `event source mapping ${logicalId}: StartingPosition ${position} is not supported by DynamoDB streams`,
      );
    }
    const types = (props.FunctionResponseTypes as string[] | undefined) ?? [];
    out.push({
      logicalId,
      functionLogicalId,
      tableLogicalId,
      startingPosition: position,
      filters,
      batchSize: Number(props.BatchSize ?? 100),
      reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
      maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? -1),
      bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true,
      ...(onFailure ? { onFailure } : {}),
    });
  }
  return out;
}
