/** A required environment variable is missing or malformed: the function must not start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}
