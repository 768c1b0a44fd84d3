/**
 * Optional bundling alias for `@aws-sdk/credential-provider-node` (esbuild
 * `--alias:@aws-sdk/credential-provider-node=./shared/aws/env-credentials.ts`).
 *
 * Why: the default provider chain pulls STS, SSO, SSO-OIDC and sign-in clients (about 135 KB minified)
 * into every bundle, yet Lambda always hands a function its role's credentials in environment
 * variables, and the local runtime does the same with dummy ones. Reading the environment is all a
 * function needs, which keeps each bundle under the 300 KB budget.
 */
interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Same signature as the SDK's `defaultProvider`: returns a credential provider. */
export function defaultProvider(): () => Promise<EnvCredentials> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set');
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  };
}
