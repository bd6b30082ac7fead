import type { Rule } from './types';

/** The site's default when no other rule decided: `pre` holds everything, `post` publishes. */
export const modeRule: Rule = ({ settings }) =>
  settings.mode === 'pre' ? { decision: 'hold', reasons: ['pre_moderation'] } : { decision: 'approve', reasons: [] };
