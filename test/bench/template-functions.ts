/** The functions of the synthesized stack, as the bench needs them: name, bundle file, environment. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BundledFunction {
  readonly logicalId: string;
  /** The construct id, e.g. `CreatePayment`. */
  readonly name: string;
  /** The source entry when known, e.g. `functions/api/create-payment.ts`. */
  readonly bundle: string;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, string>;
}

/** Reads `cdk.out/<stack>.template.json` and lists its bundled Lambda functions. */
export function bundledFunctions(cdkOut = 'cdk.out', stack = 'Payments'): BundledFunction[] {
  const template = JSON.parse(readFileSync(join(cdkOut, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<string, CfnResource>;
  };
  return Object.entries(template.Resources)
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
