/**
 * One call to core per consumer batch: every message of an SQS batch is assessed on its own (its own
 * failure, its own retry), and the decisions they reach are sent together, in ONE invoke of core's
 * function, once each message has either handed in its decision or finished without one (an unknown
 * payment, a message that did not parse, a failed step). Each message then goes on with its answer.
 * An invoke costs a Lambda request and its duration whatever it carries, so a batch of 10 payments takes
 * one where a call per message would take 10.
 */
import { MAX_DECISIONS, type RiskDecisionAnswer, type RiskDecisionApplier } from './apply-decisions.js';

interface Waiting {
  readonly decisions: Parameters<RiskDecisionApplier>[0];
  readonly resolve: (answers: readonly RiskDecisionAnswer[]) => void;
  readonly reject: (error: unknown) => void;
}

export class DecisionRound {
  /** Messages that may still hand in a decision. */
  private open: number;
  private waiting: Waiting[] = [];

  constructor(
    private readonly applyAll: RiskDecisionApplier,
    messages: number,
  ) {
    this.open = messages;
  }

  /** A message that ends before its handler runs (it did not parse): nothing to wait for. */
  skip(): void {
    this.open -= 1;
    this.flushIfComplete();
  }

  /**
   * A message's part in the round: `decisions` hands in its decisions (answered when the round is sent),
   * `leave` says it is done (call it in `finally`: a message that never decided must not hold the others).
   */
  member(): { readonly decisions: RiskDecisionApplier; leave(): void } {
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.open -= 1;
      return true;
    };
    return {
      decisions: (decisions) => {
        // A second call of one message is sent on its own: the round has gone, or would wait for it.
        if (!settle()) return this.applyAll(decisions);
        const answered = new Promise<readonly RiskDecisionAnswer[]>((resolve, reject) =>
          this.waiting.push({ decisions, resolve, reject }),
        );
        this.flushIfComplete();
        return answered;
      },
      leave: () => {
        if (settle()) this.flushIfComplete();
      },
    };
  }

  private flushIfComplete(): void {
    if (this.open > 0 || this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    void this.send(waiting);
  }

  private async send(waiting: readonly Waiting[]): Promise<void> {
    const decisions = waiting.flatMap((w) => w.decisions);
    try {
      const answers: RiskDecisionAnswer[] = [];
      for (let i = 0; i < decisions.length; i += MAX_DECISIONS)
        answers.push(...(await this.applyAll(decisions.slice(i, i + MAX_DECISIONS))));
      if (answers.length !== decisions.length)
        throw new Error(`${answers.length} answers to ${decisions.length} risk decisions`);
      let at = 0;
      for (const w of waiting) {
        w.resolve(answers.slice(at, at + w.decisions.length));
        at += w.decisions.length;
      }
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  }
}
