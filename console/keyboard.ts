import type { CommentList } from './commentList';
import { h } from './dom';
import type { Strings } from './strings';

/** True when a key press belongs to a field (typing "a" in a search box must not approve anything). */
function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** The help dialog for `?`: a native <dialog>, so focus, Escape and the backdrop come with it. */
export function helpDialog(t: Strings): HTMLDialogElement {
  const rows: Array<[string, string]> = [
    ['j', t.key_j],
    ['k', t.key_k],
    ['a', t.key_a],
    ['r', t.key_r],
    ['s', t.key_s],
    ['x', t.key_x],
    ['?', t.key_help],
  ];
  const close = h('button', { type: 'button' }, t.close);
  const dialog = h(
    'dialog',
    { class: 'help', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title' }, t.shortcuts),
    h('dl', null, rows.flatMap(([k, v]) => [h('dt', null, h('kbd', null, k)), h('dd', null, v)])),
    close,
  );
  close.addEventListener('click', () => dialog.close());
  return dialog;
}

/** j/k move, a/r/s act, x selects, ? opens help: as the contract says, on the current item. */
export function bindShortcuts(list: () => CommentList | null, help: HTMLDialogElement): void {
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
    if (help.open) return;
    const l = list();
    switch (e.key) {
      case '?':
        help.showModal();
        break;
      case 'j':
        l?.move(1);
        break;
      case 'k':
        l?.move(-1);
        break;
      case 'a':
        void l?.actOnCurrent('approve');
        break;
      case 'r':
        void l?.actOnCurrent('reject');
        break;
      case 's':
        void l?.actOnCurrent('spam');
        break;
      case 'x':
        l?.toggleCurrentSelection();
        break;
      default:
        return;
    }
    e.preventDefault();
  });
}
