/** The start-up banner: where the API is, the contract's local credentials and a first request. */

export interface BannerInfo {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly pspUrl?: string;
  readonly tableName: string;
  readonly routes: readonly string[];
  readonly eventBridgeUrl?: string;
  readonly buses?: ReadonlyArray<{ name: string; rules: readonly string[]; archives: readonly string[] }>;
  readonly sqsUrl?: string;
  /** One line per queue: its name and what it feeds or collects. */
  readonly queues?: readonly string[];
  readonly s3Url?: string;
  readonly buckets?: readonly string[];
  readonly stepFunctionsUrl?: string;
  readonly stateMachines?: readonly string[];
  readonly persist: boolean;
  readonly startupMs: number;
}

/** The line tests and scripts wait for; printed last. */
export function readyLine(url: string): string {
  return `Payments API listening on ${url}`;
}

export function banner(info: BannerInfo): string {
  const curl = [
    `curl -s -X POST ${info.url}/v1/payments \\`,
    `  -H 'Authorization: Bearer sk_test_demo_1' \\`,
    `  -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"amount": 1050, "currency": "USD", "description": "First local payment"}'`,
  ];
  return [
    '',
    '  Payments: local runtime (no AWS account, nothing leaves this machine)',
    '',
    `  API              ${info.url}`,
    `  DynamoDB Local   ${info.dynamoEndpoint}   table ${info.tableName}${info.persist ? '   (persisted in .local/dynamodb)' : '   (in memory)'}`,
    `  Sandbox PSP      ${info.pspUrl ?? 'not available (shared/channels/sandbox/psp-simulator.ts missing)'}`,
    `  Routes           ${info.routes.join(', ')}`,
    ...(info.eventBridgeUrl
      ? [
          `  EventBridge      ${info.eventBridgeUrl}   (AWS_ENDPOINT_URL_EVENTBRIDGE)`,
          ...(info.buses ?? []).flatMap((b) => [
            `    bus ${b.name}${b.archives.length ? `   archive ${b.archives.join(', ')}` : ''}`,
            ...b.rules.map((r) => `      rule ${r}`),
          ]),
        ]
      : []),
    ...(info.sqsUrl
      ? [
          `  SQS              ${info.sqsUrl}   (AWS_ENDPOINT_URL_SQS)`,
          ...(info.queues ?? []).map((q) => `    ${q}`),
        ]
      : []),
    ...(info.s3Url
      ? [
          `  S3               ${info.s3Url}   (AWS_ENDPOINT_URL_S3)`,
          ...(info.buckets ?? []).map((b) => `    bucket ${b}`),
        ]
      : []),
    ...(info.stepFunctionsUrl
      ? [
          `  Step Functions   ${info.stepFunctionsUrl}   (AWS_ENDPOINT_URL_SFN; schedules do not fire locally)`,
          ...(info.stateMachines ?? []).map((m) => `    state machine ${m}`),
        ]
      : []),
    '',
    '  Local credentials (CONTRACT.md)',
    '    merchant 1      m_demo_1    API key sk_test_demo_1',
    '    merchant 2      m_demo_2    API key sk_test_demo_2',
    '    ops                         API key sk_test_ops',
    '    sandbox webhook secret      whsec_sandbox_local',
    '',
    '  Try',
    ...curl.map((l) => `    ${l}`),
    `    npm run reconcile -- --date $(date -u +%F)      npm run settle -- --date $(date -u +%F)`,
    '',
    `  Started in ${(info.startupMs / 1000).toFixed(1)} s. Ctrl-C stops everything (API, workers, stream and queue pollers, EventBridge, SQS, S3, Step Functions, PSP, DynamoDB Local).`,
    '',
  ].join('\n');
}
