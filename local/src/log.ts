/** The runtime's console output: one prefix per source, so interleaved function logs stay readable. */

export interface Logger {
  info(message: string): void;
  error(message: string): void;
  /** A line a function wrote to stdout/stderr. */
  fn(logicalId: string, line: string): void;
}

export interface LoggerOptions {
  /** Drop informational lines (errors are always printed). */
  readonly quiet?: boolean;
  readonly write?: (line: string) => void;
}

/** A logger writing to stderr, so stdout stays for what a caller may parse. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    info: (message) => {
      if (!options.quiet) write(`[local] ${message}`);
    },
    error: (message) => write(`[local] ERROR ${message}`),
    fn: (logicalId, line) => {
      if (!options.quiet) write(`[${logicalId}] ${line}`);
    },
  };
}
