/**
 * Entry point of /widget.js. The embed snippet is one div and one script tag:
 *   <div id="parley" data-site="demo" data-page="/2026/01/carney-beijing"></div>
 *   <script src="https://comments.example/widget.js" async></script>
 * The API base is wherever this script was loaded from.
 */
import { mountWidget } from './app';
import { readConfig } from './config';

const script = document.currentScript as HTMLScriptElement | null;
const scriptSrc =
  script?.src ||
  Array.from(document.scripts).find((s) => /\/widget(\.[\w-]+)?\.js(\?|$)/.test(s.src))?.src ||
  location.href;

function start(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('#parley, [data-parley]'))) {
    if (el.shadowRoot) continue; // the script was included twice
    const cfg = readConfig(el, scriptSrc);
    if (cfg) mountWidget(el, cfg);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
