import type { Rule } from './types';

/** The widget renders a field people cannot see; only bots fill it in. */
export const honeypotRule: Rule = ({ honeypot }) =>
  honeypot !== undefined && honeypot.trim() !== '' ? { decision: 'spam', reasons: ['honeypot'] } : null;
