/** The local WeChat Pay test material (public test material: local/channel-test-keys and the contract). */
import { readFileSync } from 'node:fs';

const read = (name: string) =>
  readFileSync(new URL(`../../../../local/channel-test-keys/${name}.pem`, import.meta.url), 'utf8');

export const MCHID = '1900000001';
export const APPID = 'wx0000000000000001';
export const MERCHANT_SERIAL = 'MERCHANT_SERIAL_LOCAL_0001';
export const PLATFORM_SERIAL = 'PUB_KEY_ID_0000000000000001';
export const API_V3_KEY = 'LocalApiV3Key0123456789abcdefghi';
export const merchantPrivate = read('wechatpay-merchant-private');
export const merchantPublic = read('wechatpay-merchant-public');
export const platformPrivate = read('wechatpay-platform-private');
export const platformPublic = read('wechatpay-platform-public');
