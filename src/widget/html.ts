import { escapeHtml } from '../comments/renderCommentHtml';

/**
 * A tagged template for server-rendered pages: every interpolated value is escaped unless it is
 * already SafeHtml (another template's result, or raw() for HTML the comment service sanitised).
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = string | number | SafeHtml | null | undefined | false | Value[];

export function raw(trustedHtml: string): SafeHtml {
  return new SafeHtml(trustedHtml);
}

function render(v: Value): string {
  if (v == null || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (v instanceof SafeHtml) return v.value;
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}
