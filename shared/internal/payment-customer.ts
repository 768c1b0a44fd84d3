/**
 * The contract of core's `payment-customer` function: whether a merchant's payment exists and the customer
 * identifiers it was created with, for risk's fraud report, which no longer reads core's items. The report
 * needs no more (it 404s an unknown or another merchant's payment, and adds the customer's id, email and IP
 * to the merchant's blocklists), so nothing else of the payment crosses. One invoke per report.
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import { type InternalReader, internalReader } from './reader.js';

export const paymentCustomerRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({
    merchantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
    /** Any id the route accepts: one core never issued is answered `not_found`, as a missing payment. */
    paymentId: z.string().check(z.regex(/^pay_[A-Za-z0-9_-]{1,123}$/)),
  }),
);
export type PaymentCustomerRequest = z.infer<typeof paymentCustomerRequest>;

export const paymentCustomerAnswer = /* @__PURE__ */ defined(() =>
  z.discriminatedUnion('outcome', [
    /** No such payment, or another merchant's: the caller answers both alike (404). */
    z.strictObject({ outcome: z.literal('not_found') }),
    z.strictObject({
      outcome: z.literal('found'),
      /** Only the identifiers a blocklist holds (not the country); null when the payment named no customer. */
      customer: z.nullable(
        z.strictObject({
          id: z.optional(z.string()),
          email: z.optional(z.string()),
          ip: z.optional(z.string()),
        }),
      ),
    }),
  ]),
);
export type PaymentCustomerAnswer = z.infer<typeof paymentCustomerAnswer>;

export type PaymentCustomerReader = InternalReader<PaymentCustomerRequest, PaymentCustomerAnswer>;

export const invokePaymentCustomer = (functionArn: string | undefined): PaymentCustomerReader =>
  internalReader(paymentCustomerRequest, paymentCustomerAnswer, functionArn);
