import { Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The vendor channels whose credentials live in a secret of their own (JSON, channels/credentials.ts). */
export const VENDOR_CHANNELS = ['stripe', 'alipay', 'wechatpay'] as const;
export type VendorChannel = (typeof VENDOR_CHANNELS)[number];

/** Secret name of a channel's credentials; the local runtime serves the same names. */
export const channelSecretName = (channel: VendorChannel) => `payments/channels/${channel}/credentials`;

/**
 * Base URL variables of the channels (shared/channels/registry.ts), the CDK context key that overrides
 * each, and the vendor's own URL, written into the template so that it says where each function calls
 * (and the local runtime can point the same variables at its simulators).
 */
const URL_SETTINGS: Readonly<Record<VendorChannel, { variable: string; context: string; url: string }>> = {
  stripe: { variable: 'STRIPE_API_URL', context: 'stripeApiUrl', url: 'https://api.stripe.com' },
  alipay: { variable: 'ALIPAY_GATEWAY_URL', context: 'alipayGatewayUrl', url: 'https://openapi.alipay.com' },
  wechatpay: {
    variable: 'WECHATPAY_API_URL',
    context: 'wechatpayApiUrl',
    url: 'https://api.mch.weixin.qq.com',
  },
};

const ROTATED_AT_THE_VENDOR =
  "A channel's keys are issued and rotated at the vendor (Stripe dashboard, Alipay open platform, WeChat Pay merchant platform), not by a Lambda: ops put the new key beside the old one in this secret (every list in it accepts several), switch the vendor, then remove the old one. Functions re-read the secret every 5 minutes, so no deploy is needed.";

/**
 * One Secrets Manager secret per vendor channel, created with a generated placeholder (the functions
 * refuse it as invalid credentials until ops put the real JSON), read at run time by the functions that
 * talk to the channel, each granted only the secrets it needs.
 */
export class ChannelSecrets extends Construct {
  readonly secrets: Readonly<Record<VendorChannel, secretsmanager.ISecret>>;

  /**
   * Creates the secrets, or with `arns` (another service's stack: the channels service owns them)
   * imports them by their complete ARNs.
   */
  constructor(scope: Construct, id: string, arns?: Readonly<Record<VendorChannel, string>>) {
    super(scope, id);
    const secrets = {} as Record<VendorChannel, secretsmanager.ISecret>;
    for (const channel of VENDOR_CHANNELS) {
      if (arns) {
        secrets[channel] = secretsmanager.Secret.fromSecretCompleteArn(this, channel, arns[channel]);
        continue;
      }
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
   * Lets `fn` read every vendor channel's credentials (`CHANNEL_SECRET_<CHANNEL>` = the secret's ARN)
   * and, when it calls the channels (`calls`), tells it their base URLs.
   */
  grantRead(fn: lambda.Function, options: { readonly calls: boolean }): void {
    for (const channel of VENDOR_CHANNELS) {
      const secret = this.secrets[channel];
      secret.grantRead(fn);
      fn.addEnvironment(`CHANNEL_SECRET_${channel.toUpperCase()}`, secret.secretArn);
      if (!options.calls) continue;
      const { variable, context, url } = URL_SETTINGS[channel];
      const given: unknown = this.node.tryGetContext(context);
      fn.addEnvironment(variable, typeof given === 'string' && given !== '' ? given : url);
    }
  }
}
