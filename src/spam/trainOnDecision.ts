import type { Tx } from '../context';
import { trainDocument, type SpamLabel } from './spamModel';
import { tokenize } from './tokenize';
import { trainingAllowance } from './trainingBudget';

export interface TrainableComment {
  id: string;
  siteId: string;
  name: string;
  email: string;
  website: string | null;
  body: string;
  trainedAs: string | null;
  /** Status before the decision: restoring a comment from spam is a "Not spam". */
  status?: string;
}

/** Who decided, and when: each moderator's daily training is bounded (see trainingBudget.ts). */
export interface Decider {
  moderatorId: string;
  now: Date;
}

/**
 * What a moderator's decision teaches the classifier.
 * - approved: ham. spam: spam.
 * - pending (restore) of a comment in spam: ham. That is the "Not spam" button: the moderator says the
 *   filter was wrong, and the next similar comment must benefit at once.
 * - rejected: nothing. A rejection says "not for this page" (off-topic, abusive, a troll), not "machine-made
 *   advertising". Learning it as spam would teach the model that heated human vocabulary is spam, and a
 *   spam score sends comments where nobody looks.
 * - pending (restore) from anything else: nothing; the moderator took the decision back.
 * - deleted: keep what was learned; deleting tidies a thread, it does not judge the text.
 * `undefined` means "leave the training as it is".
 */
export function trainingTarget(fromStatus: string | undefined, newStatus: string): SpamLabel | null | undefined {
  switch (newStatus) {
    case 'approved':
      return 'ham';
    case 'spam':
      return 'spam';
    case 'pending':
      return fromStatus === 'spam' ? 'ham' : null;
    case 'rejected':
      return null;
    default:
      return undefined;
  }
}

/**
 * Trains the site's classifier on a moderator decision, inside the caller's transaction (which holds the
 * comment's row lock). Comment.trainedAs records what the comment taught, so repeating a decision counts
 * once and reversing one un-learns the old label before learning the new one.
 * With a decider, the change counts against that moderator's daily allowance on the site; past it the
 * decision stands but teaches nothing (trainedAs unchanged), so one account cannot swing the model at once.
 */
export async function trainOnDecision(
  tx: Tx,
  comment: TrainableComment,
  newStatus: string,
  decider?: Decider,
): Promise<{ trained: boolean }> {
  const target = trainingTarget(comment.status, newStatus);
  if (target === undefined) return { trained: false };
  const current = comment.trainedAs === 'spam' || comment.trainedAs === 'ham' ? comment.trainedAs : null;
  if (current === target) return { trained: false };
  if (decider) {
    const allowed = await trainingAllowance(tx, { siteId: comment.siteId, ...decider, label: target ?? 'none' });
    if (!allowed) return { trained: false };
  }
  const tokens = tokenize(comment);
  if (current) await trainDocument(tx, comment.siteId, tokens, current, -1);
  if (target) await trainDocument(tx, comment.siteId, tokens, target, 1);
  await tx.comment.update({ where: { id: comment.id }, data: { trainedAs: target } });
  return { trained: true };
}
