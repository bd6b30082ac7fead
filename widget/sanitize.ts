import { AUTHOR_LINK_REL } from './links';

/**
 * Defence in depth for the comment's `html`: the server already sanitises it, but if that ever
 * slips, this keeps a short allowlist of tags, drops every attribute except a safe href, and
 * parses in an inert <template> (no scripts run, no images load while we look).
 */
const ALLOWED = new Set([
  'p', 'br', 'a', 'em', 'strong', 'b', 'i', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
]);
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript', 'textarea', 'select',
]);

export function cleanHtml(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  clean(template.content);
  return document.importNode(template.content, true);
}

function clean(parent: ParentNode): void {
  for (const el of Array.from(parent.children)) {
    const tag = el.localName;
    if (DROP_WITH_CONTENT.has(tag)) {
      el.remove();
      continue;
    }
    clean(el);
    if (!ALLOWED.has(tag)) {
      el.replaceWith(...Array.from(el.childNodes));
      continue;
    }
    const href = el.getAttribute('href');
    for (const attr of Array.from(el.attributes)) el.removeAttribute(attr.name);
    if (tag === 'a') {
      if (href && /^(https?:|mailto:)/i.test(href.trim())) el.setAttribute('href', href.trim());
      el.setAttribute('rel', AUTHOR_LINK_REL);
      el.setAttribute('target', '_blank');
    }
  }
}
