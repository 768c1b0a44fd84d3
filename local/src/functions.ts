/**
 * What the runtime needs to run one `AWS::Lambda::Function` of the template: its bundle, handler,
 * limits and its environment, resolved the way Lambda would see it plus the variables the Lambda
 * service itself sets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { physicalName, type ResolveContext, resolveValue, UnresolvableError } from './resolve.js';
import type { LoadedTemplate } from './template.js';

export interface FunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  /** Absolute path of the module that holds the handler. */
  readonly file: string;
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface FunctionEnvironmentOptions {
  readonly dynamoEndpoint: string;
  /** More `AWS_ENDPOINT_URL_<SERVICE>` variables (the local EventBridge and SQS endpoints). */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** Replace these template variables (only where a function declares them), e.g. `SANDBOX_PSP_URL`. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Application log level for every function, instead of the template's (e.g. `INFO` to see more). */
  readonly logLevel?: string;
  /** Variables added to every function's environment (tests: e.g. a shorter settlement grace). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

function handlerFile(
  assetDir: string,
  handler: string,
  logicalId: string,
): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`function ${logicalId}: malformed Handler ${handler}`);
  const base = join(assetDir, handler.slice(0, dot));
  const file = MODULE_EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) throw new Error(`function ${logicalId}: no ${handler.slice(0, dot)}.mjs/.js in ${assetDir}`);
  return { file, exportName: handler.slice(dot + 1) };
}

/** Builds the spec of `logicalId`; throws naming the function (and variable) when something is off. */
export function functionSpec(
  loaded: LoadedTemplate,
  ctx: ResolveContext,
  logicalId: string,
  options: FunctionEnvironmentOptions,
): FunctionSpec {
  const resource = loaded.template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function')
    throw new Error(`${logicalId} is not an AWS::Lambda::Function`);
  const props = resource.Properties ?? {};
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') {
    throw new Error(
      `function ${logicalId} has no aws:asset:path metadata: only asset-bundled functions run locally`,
    );
  }
  const { file, exportName } = handlerFile(
    join(loaded.assemblyDir, assetPath),
    String(props.Handler ?? 'index.handler'),
    logicalId,
  );
  const functionName = physicalName(loaded.template, logicalId);
  const timeoutSeconds = Number(props.Timeout ?? 3);
  const memorySize = Number(props.MemorySize ?? 128);

  // What Lambda derives from LoggingConfig: with JSON logs, AWS_LAMBDA_LOG_LEVEL carries the application
  // level, and Powertools Logger follows it.
  const logging = (props.LoggingConfig ?? {}) as { LogFormat?: string; ApplicationLogLevel?: string };
  const logLevel =
    logging.LogFormat === 'JSON' ? (options.logLevel ?? logging.ApplicationLogLevel ?? 'INFO') : undefined;

  const declared = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) {
    const override = options.overrides?.[name];
    if (override !== undefined) {
      environment[name] = override;
      continue;
    }
    try {
      const resolved = resolveValue(ctx, value);
      if (resolved === undefined) continue;
      if (typeof resolved === 'object')
        throw new UnresolvableError(`resolved to ${JSON.stringify(resolved)}`);
      environment[name] = String(resolved);
    } catch (error) {
      throw new UnresolvableError(
        `function ${logicalId}, environment variable ${name}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  return {
    logicalId,
    functionName,
    file,
    exportName,
    timeoutSeconds,
    memorySize,
    environment: {
      // What the Lambda service sets in every Node.js execution environment (the reserved variables).
      AWS_REGION: ctx.region,
      AWS_DEFAULT_REGION: ctx.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'local',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: join(loaded.assemblyDir, String(resource.Metadata?.['aws:asset:path'])),
      ...(logLevel ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: logLevel } : {}),
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // Local credentials and endpoints: the handlers' SDK clients honour these, so no "if local" code.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: options.dynamoEndpoint,
      ...options.endpoints,
      ...environment,
      ...options.extraEnvironment,
    },
  };
}
