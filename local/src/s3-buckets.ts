/** The template's buckets as the local S3 endpoint (s3.ts) serves them: their names, Ref and attributes. */
import { type ResolveContext, resolveValue } from './resolve.js';
import { type CfnTemplate, resourcesOfType } from './template.js';

export interface S3BucketConfig {
  readonly logicalId: string;
  /** The physical name: `BucketName` when the template sets one, else `<stack>-<logicalid>` lowercased (its own stack's name). */
  readonly name: string;
}

/** The template's `AWS::S3::Bucket` resources with their local names. */
export function bucketConfigs(
  template: CfnTemplate,
  ctx: ResolveContext,
  stackNameOf: (logicalId: string) => string = () => ctx.stackName,
): S3BucketConfig[] {
  return resourcesOfType(template, 'AWS::S3::Bucket').map(([logicalId, resource]) => {
    const explicit = resource.Properties?.BucketName;
    if (explicit !== undefined) return { logicalId, name: String(resolveValue(ctx, explicit)) };
    // CloudFormation generates `<stack>-<logicalid>-<random>`, lowercased; locally the name is deterministic.
    const generated = `${stackNameOf(logicalId)}-${logicalId}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 63)
      .replace(/-+$/, '');
    return { logicalId, name: generated };
  });
}

/**
 * What the resolver needs for buckets: `Ref` is the name, plus the attributes CDK grants and
 * environments use. Merge into `ResolveContext.refs` and `.attributes`.
 */
export function bucketResolution(
  buckets: readonly S3BucketConfig[],
  region: string,
): { refs: Record<string, string>; attributes: Record<string, string> } {
  const refs: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const b of buckets) {
    refs[b.logicalId] = b.name;
    attributes[`${b.logicalId}.Arn`] = `arn:aws:s3:::${b.name}`;
    attributes[`${b.logicalId}.DomainName`] = `${b.name}.s3.amazonaws.com`;
    attributes[`${b.logicalId}.RegionalDomainName`] = `${b.name}.s3.${region}.amazonaws.com`;
  }
  return { refs, attributes };
}
