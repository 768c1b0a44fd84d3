/** The functions of the synthesized stack, as the bench needs them: name, bundle file, environment. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BundledFunction {
  readonly logicalId: string;
  /** The construct id, e.g. `CreatePayment`. */
  readonly name: string;
  /** The source entry when known, e.g. `functions/api/create-payment.ts`. */
  readonly bundle: string;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, string>;
}

/**
 * The resources of every stack of the assembly (`cdk.out/*.template.json`: a stack per service), in one
 * map; a logical id two stacks share keeps the first stack's.
 */
export function assemblyResources(cdkOut = 'cdk.out'): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = {};
  for (const file of readdirSync(cdkOut)
    .filter((f) => f.endsWith('.template.json'))
    .sort()) {
    const template = JSON.parse(readFileSync(join(cdkOut, file), 'utf8')) as {
      Resources?: Record<string, CfnResource>;
    };
    for (const [id, r] of Object.entries(template.Resources ?? {})) resources[id] ??= r;
  }
  return resources;
}

/** Lists the bundled Lambda functions of every stack of `cdk.out`. */
export function bundledFunctions(cdkOut = 'cdk.out'): BundledFunction[] {
  return Object.entries(assemblyResources(cdkOut))
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
    .map(([logicalId, r]) => {
      const cdkPath = r.Metadata?.['aws:cdk:path'] ?? logicalId;
      const parts = cdkPath.split('/').filter((p) => p !== 'Resource');
      return {
        logicalId,
        name: parts[parts.length - 1] ?? logicalId,
        bundle: join(cdkOut, r.Metadata?.['aws:asset:path'] as string, 'index.mjs'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
