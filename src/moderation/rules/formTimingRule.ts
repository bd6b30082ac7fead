import type { Rule } from './types';

/** A token older than this no longer vouches for a human: bots could keep one and replay it for ever. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Instances' clocks may disagree a little. */
const CLOCK_SKEW_MS = 5_000;

/**
 * Bots post the moment the form exists; people read and type first. The widget sends a signed
 * timestamp of when the form rendered. Clients without the widget (API users, plain HTML forms)
 * have no token: that alone must never mark them as spam, so it holds at most, and only when the
 * site asks for it (`requireFormToken`).
 */
export const formTimingRule: Rule = ({ form, settings, now }) => {
  if (form.kind === 'absent') {
    return settings.requireFormToken ? { decision: 'hold', reasons: ['no_form_token'] } : null;
  }
  if (form.kind === 'invalid') return { decision: 'hold', reasons: ['bad_form_token'] };
  const elapsedMs = now.getTime() - form.renderedAt.getTime();
  if (elapsedMs < -CLOCK_SKEW_MS || elapsedMs > FORM_TOKEN_MAX_AGE_MS) {
    return { decision: 'hold', reasons: ['stale_form_token'] };
  }
  const min = settings.minSubmitSeconds;
  if (min > 0 && elapsedMs < min * 1000) {
    const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
    return { decision: 'spam', reasons: [`too_fast:${seconds}s<${min}s`] };
  }
  return null;
};
