/** A required environment variable is missing or malformed: the function must not start. */

import { CodedError } from '../domain/errors.js';
export class ConfigError extends CodedError<'config_invalid'> {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super('config_invalid', message);
  }
}
