import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addPaymentsStacks } from './stacks/payments-app.js';

const app = new App();

// Environment-agnostic unless the CLI knows a target (`cdk deploy` with credentials sets these);
// `cdk synth` therefore works offline with no AWS account.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
// One stack per service plus the foundation, for the stage of `-c stage=dev|staging|prod` (default dev).
addPaymentsStacks(app, account && region ? { env: { account, region } } : {});

// cdk-nag 3 is a policy-validation plugin (it replaced the v2 Aspect): every synth, and so every deploy,
// is checked, every stack of the app, and any finding not acknowledged with a reason
// (Validations.of(x).acknowledge) fails it. Each acknowledgement sits next to the resource it concerns.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
