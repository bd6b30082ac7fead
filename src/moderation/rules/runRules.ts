import { banRule } from './banRule';
import { blockWordRule, holdWordRule } from './wordRules';
import { formTimingRule } from './formTimingRule';
import { honeypotRule } from './honeypotRule';
import { linkRule } from './linkRule';
import { modeRule } from './modeRule';
import { returningAuthorRule } from './returningAuthorRule';
import { spamScoreRule } from './spamScoreRule';
import type { Decision, Rule, RuleInput } from './types';

export interface RulesOutcome {
  decision: Decision;
  reasons: string[];
}

/**
 * The rules in the order they run. Cheap, certain verdicts come first. A rule that decides spam or
 * reject ends the run. A hold is remembered and the run goes on, so moderators see every reason.
 * An approval stands only if nothing held the comment; the site's mode decides when nothing else did.
 */
export const RULES: ReadonlyArray<readonly [name: string, rule: Rule]> = [
  ['ban', banRule],
  ['honeypot', honeypotRule],
  ['formTiming', formTimingRule],
  ['blockWords', blockWordRule],
  ['spamScore', spamScoreRule],
  ['holdWords', holdWordRule],
  ['links', linkRule],
  ['returningAuthor', returningAuthorRule],
  ['mode', modeRule],
];

export function runRules(input: RuleInput, rules = RULES): RulesOutcome {
  const held: string[] = [];
  let isHeld = false;
  for (const [, rule] of rules) {
    const result = rule(input);
    if (!result) continue;
    switch (result.decision) {
      case 'spam':
      case 'reject':
        return { decision: result.decision, reasons: [...held, ...result.reasons] };
      case 'hold':
        // The mode rule runs last: once something else held the comment, "pre_moderation" adds nothing.
        if (!isHeld || rule !== modeRule) held.push(...result.reasons);
        isHeld = true;
        break;
      case 'approve':
        if (!isHeld) return { decision: 'approve', reasons: result.reasons };
        break;
      default:
        held.push(...result.reasons);
    }
  }
  return { decision: 'hold', reasons: held };
}
