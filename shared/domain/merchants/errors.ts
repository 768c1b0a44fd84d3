/** Errors of merchant onboarding and API keys; codes are stable (error-problems.ts maps them). */
import { CodedError } from '../errors.js';

/** A command that is not legal from the merchant's current status (a review of a merchant not pending). */
export class MerchantStateError extends CodedError<'merchant_state_conflict'> {
  override readonly name = 'MerchantStateError';
  constructor(
    readonly command: string,
    readonly status: string,
    readonly requiredStatus: string,
  ) {
    super(
      'merchant_state_conflict',
      `The merchant is ${status}: ${command} needs a merchant that is ${requiredStatus}.`,
    );
  }
}

/** Keys are issued only to an active merchant. */
export class MerchantNotActiveError extends CodedError<'merchant_not_active'> {
  override readonly name = 'MerchantNotActiveError';
  constructor(readonly status: string) {
    super('merchant_not_active', `The merchant is ${status}: only an active merchant is issued API keys.`);
  }
}

/** Only an active key can be rolled (an expiring or revoked one already has its successor or is dead). */
export class ApiKeyNotActiveError extends CodedError<'api_key_not_active'> {
  override readonly name = 'ApiKeyNotActiveError';
  constructor(readonly status: string) {
    super('api_key_not_active', `The key is ${status}: only an active key can be rolled.`);
  }
}

export type MerchantErrorCode =
  | MerchantStateError['code']
  | MerchantNotActiveError['code']
  | ApiKeyNotActiveError['code'];
