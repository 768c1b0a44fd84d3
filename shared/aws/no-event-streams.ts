/**
 * Bundling alias for `@smithy/core/event-streams` (infra/constructs/function-bundles.ts). The SDK's
 * protocols import it on demand for operations that stream events (S3 SelectObjectContent, Bedrock,
 * Transcribe…); none of the operations our functions call does, yet esbuild inlines the dynamic
 * import: ~19 KB of every bundle. Should an operation ever need it, this says why it is missing.
 */
function missing(): never {
  throw new Error('event streams are not bundled (shared/aws/no-event-streams.ts)');
}

export class EventStreamSerde {
  constructor() {
    missing();
  }
}

export const eventStreamSerdeProvider = missing;
