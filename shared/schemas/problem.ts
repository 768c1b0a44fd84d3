import * as z from 'zod';

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export {
  PROBLEM_TYPE_BASE,
  PROBLEMS,
  type ProblemCode,
  type ProblemFieldError,
  problem,
} from './problem-catalogue.js';
