import type { Tx } from '../context';
import { trainDocument, type SpamLabel } from './spamModel';
import { tokenize } from './tokenize';

export interface TrainableComment {
  id: string;
  siteId: string;
  name: string;
  email: string;
  website: string | null;
  body: string;
  trainedAs: string | null;
}

/**
 * What a moderator's decision teaches the classifier.
 * - approved: ham. spam: spam.
 * - rejected: nothing. A rejection says "not for this page" (off-topic, abusive, a troll), not "machine-made
 *   advertising". Learning it as spam would teach the model that heated human vocabulary is spam, and a
 *   spam score sends comments where nobody looks.
 * - pending (restore): nothing; the moderator took the decision back.
 * - deleted: keep what was learned; deleting tidies a thread, it does not judge the text.
 * `undefined` means "leave the training as it is".
 */
const LABEL_FOR_STATUS: Record<string, SpamLabel | null | undefined> = {
  approved: 'ham',
  spam: 'spam',
  rejected: null,
  pending: null,
  deleted: undefined,
};

/**
 * Trains the site's classifier on a moderator decision, inside the caller's transaction (which holds the
 * comment's row lock). Comment.trainedAs records what the comment taught, so repeating a decision counts
 * once and reversing one un-learns the old label before learning the new one.
 */
export async function trainOnDecision(tx: Tx, comment: TrainableComment, newStatus: string): Promise<void> {
  const target = LABEL_FOR_STATUS[newStatus];
  if (target === undefined) return;
  const current = comment.trainedAs === 'spam' || comment.trainedAs === 'ham' ? comment.trainedAs : null;
  if (current === target) return;
  const tokens = tokenize(comment);
  if (current) await trainDocument(tx, comment.siteId, tokens, current, -1);
  if (target) await trainDocument(tx, comment.siteId, tokens, target, 1);
  await tx.comment.update({ where: { id: comment.id }, data: { trainedAs: target } });
}
