import { NO_HISTORY, type RuleInput } from '../../../src/moderation/rules/types';
import { siteSettingsSchema, type SiteSettings } from '../../../src/sites/siteSettings';

export const NOW = new Date('2026-03-01T12:00:00Z');

/** A rule input for an ordinary comment on a post-mode site; override what a case is about. */
export function ruleInput(
  overrides: Partial<Omit<RuleInput, 'settings' | 'comment'>> & {
    settings?: Partial<SiteSettings>;
    comment?: Partial<RuleInput['comment']>;
  } = {},
): RuleInput {
  const { settings, comment, ...rest } = overrides;
  return {
    comment: { name: 'Jane Reader', email: 'jane@example.org', website: null, body: 'A fair point about the bus lane.', ...comment },
    ip: '198.51.100.7',
    honeypot: undefined,
    form: { kind: 'absent' },
    author: { provenReturning: false },
    spamScore: null,
    spamClues: 0,
    history: NO_HISTORY,
    bans: [],
    settings: siteSettingsSchema.parse({ mode: 'post', ...settings }),
    now: NOW,
    ...rest,
  };
}
