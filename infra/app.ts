import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PaymentsStack } from './payments-stack.js';

const app = new App();

// Environment-agnostic unless the CLI knows a target (`cdk deploy` with credentials sets these);
// `cdk synth` therefore works offline with no AWS account.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new PaymentsStack(app, 'Payments', {
  description: 'Serverless payments: HTTP API, DynamoDB single table, channel callbacks and dispatch',
  ...(account && region ? { env: { account, region } } : {}),
});

// cdk-nag 3 is a policy-validation plugin (it replaced the v2 Aspect): every synth, and so every deploy,
// is checked and any finding not acknowledged with a reason (Validations.of(x).acknowledge) fails it.
// Each acknowledgement sits next to the resource it concerns, with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
