import type { Rule } from './types';

/**
 * A proven returning author (the caller checked an owner token or a verified email: a typed email
 * alone proves nothing) is published at once. The engine only lets this approval stand when no
 * other rule held or flagged the comment.
 */
export const returningAuthorRule: Rule = ({ author, settings }) =>
  settings.autoApproveReturning && author.provenReturning
    ? { decision: 'approve', reasons: ['returning_author'] }
    : null;
