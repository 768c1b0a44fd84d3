/**
 * The local runtime in a process of its own, with `--persist` in a given directory, so that tests can
 * stop it as a developer does (SIGINT) or kill it (SIGKILL of its process group). Started by
 * persistent-runtime.ts with the options as JSON in argv; prints one line, `READY <json>`, once it
 * serves. SIGINT and SIGTERM stop it (like `npm start`'s Ctrl-C).
 */
import { startLocalRuntime } from '../../local/src/runtime.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  dataDir: string;
  callbackDelayMs?: number;
  maxVisibilityTimeoutSeconds?: number;
  maxBatchingWindowSeconds?: number;
  functionEnvironment?: Record<string, string>;
};

const runtime = await startLocalRuntime({
  port: 0,
  synth: false,
  quiet: process.env.LOCAL_RUNTIME_LOGS !== '1',
  persist: true,
  ...options,
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.stdout.write(
  `READY ${JSON.stringify({
    url: runtime.url,
    pspUrl: runtime.pspUrl,
    dynamoEndpoint: runtime.dynamoEndpoint,
    tableName: runtime.tableName,
  })}\n`,
);
