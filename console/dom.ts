import { h } from '../widget/dom';
import { cleanHtml } from '../widget/sanitize';

/**
 * DOM helpers. Text always goes in as text nodes (h() from the widget). The only HTML the console
 * inserts is a comment's `html`, which the server sanitised; cleanHtml() parses it inertly and keeps a
 * short allowlist again, in case that ever slips.
 */
export { h };

export function commentHtml(html: string): DocumentFragment {
  return cleanHtml(html);
}

/**
 * A button whose accessible name stays the contract's English name (`Approve`…) whatever the language:
 * when the visible label differs (French), aria-label carries the English name.
 */
export function actionButton(name: string, label: string, onClick: (e: Event) => void, extra: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...extra }, label);
  if (label !== name) b.setAttribute('aria-label', name);
  b.addEventListener('click', onClick);
  return b;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** A polite live region that reads short messages out (and shows them). */
export function announcer(region: HTMLElement): (text: string) => void {
  return (text) => {
    region.textContent = '';
    // A fresh text node after a tick, so screen readers announce a repeated message again.
    setTimeout(() => (region.textContent = text), 30);
  };
}
