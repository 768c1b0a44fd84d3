/**
 * The Secrets Manager endpoint: `GetSecretValue` over the AWS JSON 1.1 protocol (`X-Amz-Target:
 * secretsmanager.GetSecretValue`), answering the configuration's `secrets` (by name, or by the ARN the
 * template's `Ref` resolves to locally; an ARN minted by AWS, with its six-character suffix, works too).
 * Read-only: a secret's value is the configuration's, so a restart is how it changes.
 */
import { createHash } from 'node:crypto';
import { AwsError, type AwsJsonServer, startAwsJsonServer } from './aws-json.js';
import type { Logger } from './log.js';

export interface SecretsEndpointOptions {
  readonly secrets: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly log: Logger;
  readonly port?: number;
}

/** The secret's name from a `SecretId` (name or ARN), or undefined when none is configured. */
export function secretNameOf(secrets: Readonly<Record<string, string>>, id: string): string | undefined {
  const name = id.startsWith('arn:') ? id.slice(id.indexOf(':secret:') + ':secret:'.length) : id;
  if (Object.hasOwn(secrets, name)) return name;
  const unsuffixed = name.replace(/-[A-Za-z0-9]{6}$/, '');
  return Object.hasOwn(secrets, unsuffixed) ? unsuffixed : undefined;
}

export function startSecretsManagerEndpoint(options: SecretsEndpointOptions): Promise<AwsJsonServer> {
  const { secrets, region, accountId } = options;
  return startAwsJsonServer({
    name: 'Secrets Manager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    typePrefix: '',
    queryCompatible: false,
    log: options.log,
    ...(options.port === undefined ? {} : { port: options.port }),
    handle: (action, input) => {
      if (action !== 'GetSecretValue')
        throw new AwsError(
          'UnknownOperationException',
          `${action} is not supported by the local Secrets Manager endpoint.`,
        );
      const id = input.SecretId;
      if (typeof id !== 'string' || id === '')
        throw new AwsError('InvalidParameterException', 'SecretId is required.');
      const name = secretNameOf(secrets, id);
      if (name === undefined)
        throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      const value = secrets[name] as string;
      return {
        ARN: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}`,
        Name: name,
        // Stable per value, as a version id is per stored value.
        VersionId: createHash('sha256').update(value).digest('hex').slice(0, 32),
        SecretString: value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      };
    },
  });
}
