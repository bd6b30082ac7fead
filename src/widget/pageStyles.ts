import { AVATAR_HUES, hueColour } from '../../widget/avatar';
import { CSS as WIDGET_CSS } from '../../widget/styles';

/**
 * Stylesheets for the pages the service renders. They are files (/demo.css, /embed.css), not inline
 * <style>, so the pages keep a strict style-src 'self' CSP.
 */
export const DEMO_CSS = `
:root{color-scheme:light dark;--ink:#1b1b1b;--paper:#fdfdfb;--rule:#d9d6cf;--muted:#55534e;--link:#0b57d0;--kicker:#a4231b}
@media (prefers-color-scheme:dark){:root{--ink:#e8e6e3;--paper:#141414;--rule:#3a3a3a;--muted:#b4b0a8;--link:#8ab4f8;--kicker:#ff8a80}}
*{box-sizing:border-box}
body{margin:0;font-family:Georgia,"Times New Roman",serif;color:var(--ink);background:var(--paper);line-height:1.6}
a{color:var(--link)}
.skip{position:absolute;left:-10000px}
.skip:focus{left:1rem;top:1rem;background:var(--paper);padding:.5rem}
header.masthead{border-bottom:3px double var(--rule);text-align:center;padding:1.25rem 1rem .75rem}
.masthead .name{font-weight:700;font-size:2.25rem;line-height:1.1;color:inherit;text-decoration:none;letter-spacing:-.01em}
.masthead .tag{margin:.25rem 0 0;font:.85rem/1.4 system-ui,sans-serif;color:var(--muted)}
nav.sections{border-bottom:1px solid var(--rule);font:600 .85rem system-ui,sans-serif;text-align:center;padding:.5rem}
nav.sections a{color:var(--ink);text-decoration:none;margin:0 .6rem}
main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font:700 .8rem system-ui,sans-serif;color:var(--kicker);margin:0}
h1{font-size:2.1rem;line-height:1.2;margin:.4rem 0 .75rem}
.byline{font:.9rem system-ui,sans-serif;color:var(--muted);border-bottom:1px solid var(--rule);padding-bottom:.75rem;margin-bottom:1.5rem}
article h2{font-size:1.35rem;line-height:1.3;margin:2rem 0 .5rem}
article p{font-size:1.125rem;margin:0 0 1.1rem}
section.comments{margin-top:3rem;border-top:1px solid var(--rule);padding-top:1.5rem}
#parley{--parley-bg:transparent;--parley-bg-dark:transparent;min-height:12rem}
footer{border-top:1px solid var(--rule);color:var(--muted);font:.85rem/1.5 system-ui,sans-serif;padding:1.5rem 1rem;text-align:center}
footer code{font-size:.8rem;word-break:break-all}
`;

const hueClasses = Array.from({ length: AVATAR_HUES }, (_, i) => `.h${i * 10}{background:${hueColour(i * 10)}}`).join('');

/** The no-JS embed page reuses the widget's own stylesheet, so both look alike. */
export const EMBED_CSS = `
html,body{margin:0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.p{padding:16px;min-height:100vh}
h1{font-size:1.25em;line-height:1.3;margin:0 0 .75em}
a.lk{display:inline-block}
a.bt2{text-decoration:none}
.st.ok{padding:.5em .75em;border-radius:6px;background:var(--w)}
${WIDGET_CSS}
${hueClasses}
`;
