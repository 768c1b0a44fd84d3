import * as z from 'zod/mini';
import './locale.js';

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().check(z.int()),
  detail: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  /** `risk-rejected` only: the stable reason codes of the before-checks that refused the payment. */
  reasons: z.optional(z.array(z.string())),
});
export type Problem = z.infer<typeof problemSchema>;

export {
  PROBLEM_TYPE_BASE,
  PROBLEMS,
  type ProblemCode,
  type ProblemFieldError,
  problem,
  riskRejected,
} from './problem-catalogue.js';
