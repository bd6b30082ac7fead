import { findLinks } from '../../text/links';
import type { Rule } from './types';

/** Re-exported for the callers that found it here first. */
export { findLinks };

/** More links than `maxLinks` holds the comment: `links:5>2`. */
export const linkRule: Rule = ({ comment, settings }) => {
  const count = findLinks(comment.body).length;
  return count > settings.maxLinks ? { decision: 'hold', reasons: [`links:${count}>${settings.maxLinks}`] } : null;
};
