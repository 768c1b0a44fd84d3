import { Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The vendor channels whose credentials live in a secret of their own (JSON, channels/credentials.ts). */
export const VENDOR_CHANNELS = ['stripe', 'alipay', 'wechatpay'] as const;
export type VendorChannel = (typeof VENDOR_CHANNELS)[number];

/** Secret name of a channel's credentials; the local runtime serves the same names. */
export const channelSecretName = (channel: VendorChannel) => `payments/channels/${channel}/credentials`;

/** Base URL variables of the channels, by channel, and the CDK context key that sets each. */
const URL_SETTINGS: Readonly<Record<VendorChannel, { variable: string; context: string }>> = {
  stripe: { variable: 'STRIPE_API_URL', context: 'stripeApiUrl' },
  alipay: { variable: 'ALIPAY_GATEWAY_URL', context: 'alipayGatewayUrl' },
  wechatpay: { variable: 'WECHATPAY_API_URL', context: 'wechatpayApiUrl' },
};

const ROTATED_AT_THE_VENDOR =
  "A channel's keys are issued and rotated at the vendor (Stripe dashboard, Alipay open platform, WeChat Pay merchant platform), not by a Lambda: ops put the new key beside the old one in this secret (every list in it accepts several), switch the vendor, then remove the old one. Functions re-read the secret every 5 minutes, so no deploy is needed.";

/**
 * One Secrets Manager secret per vendor channel, created with a generated placeholder (the functions
 * refuse it as invalid credentials until ops put the real JSON), read at run time by the functions that
 * talk to the channel, each granted only the secrets it needs.
 */
export class ChannelSecrets extends Construct {
  readonly secrets: Readonly<Record<VendorChannel, secretsmanager.Secret>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const secrets = {} as Record<VendorChannel, secretsmanager.Secret>;
    for (const channel of VENDOR_CHANNELS) {
      const secret = new secretsmanager.Secret(this, `${channel[0]?.toUpperCase()}${channel.slice(1)}`, {
        secretName: channelSecretName(channel),
        description: `${channel} channel credentials (JSON: see shared/channels/credentials.ts); a placeholder until ops put the real ones`,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ placeholder: true }),
          generateStringKey: 'value',
          excludePunctuation: true,
        },
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: ROTATED_AT_THE_VENDOR });
      secrets[channel] = secret;
    }
    this.secrets = secrets;
  }

  /**
   * Lets `fn` read the credentials of `channels` (`CHANNEL_SECRET_<CHANNEL>` = the secret's ARN) and
   * tells it each channel's base URL when a context key overrides the vendor's.
   */
  grantRead(fn: lambda.Function, channels: readonly VendorChannel[] = VENDOR_CHANNELS): void {
    for (const channel of channels) {
      const secret = this.secrets[channel];
      secret.grantRead(fn);
      fn.addEnvironment(`CHANNEL_SECRET_${channel.toUpperCase()}`, secret.secretArn);
      const { variable, context } = URL_SETTINGS[channel];
      const url: unknown = this.node.tryGetContext(context);
      if (typeof url === 'string' && url !== '') fn.addEnvironment(variable, url);
    }
  }
}
