/**
 * X-Ray trace headers of the local Lambda invocations, in Lambda's format
 * (`Root=1-<8 hex seconds>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`, what a function reads in
 * `_X_AMZN_TRACE_ID`), so that calls made from a function carry its trace as they do in AWS and an invoked
 * function continues its caller's trace instead of starting one (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
 * Nothing records traces locally: a new trace is marked not sampled.
 */
import { randomBytes } from 'node:crypto';

const ROOT = /(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})\s*(?:;|$)/i;
const SAMPLED = /(?:^|;)\s*Sampled=([01?])\s*(?:;|$)/i;

/** A trace started by this invocation (no upstream header): what Lambda does for a root invocation. */
export function newTraceHeader(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/**
 * The header of an invocation that continues `upstream` (its root and sampling decision, a segment of its
 * own as parent), or undefined when `upstream` names no trace (absent or malformed: Lambda then decides).
 */
export function continuedTraceHeader(upstream: string | undefined): string | undefined {
  const root = upstream ? ROOT.exec(upstream)?.[1] : undefined;
  if (!root) return undefined;
  const sampled = SAMPLED.exec(upstream as string)?.[1] ?? '?';
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=${sampled}`;
}
