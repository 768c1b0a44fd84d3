/** The local Alipay test key pairs (public test material, local/channel-test-keys). */
import { readFileSync } from 'node:fs';

const read = (name: string) =>
  readFileSync(new URL(`../../../../local/channel-test-keys/${name}.pem`, import.meta.url), 'utf8');

export const APP_ID = '2021000000000001';
export const merchantPrivate = read('alipay-merchant-private');
export const merchantPublic = read('alipay-merchant-public');
export const platformPrivate = read('alipay-platform-private');
export const platformPublic = read('alipay-platform-public');
