/**
 * The widget's styles live in its shadow root, so host rules cannot reach in and ours cannot leak.
 * Inherited properties (colour, font size) still cross the boundary, so .p sets them all explicitly.
 * Sites theme it with custom properties on the host element, e.g. #parley { --parley-accent: #c00 }.
 */
export const CSS = `
:host{display:block!important;visibility:visible!important;opacity:1!important;contain:content}
.p{--a:var(--parley-accent,#1a5fb4);--at:var(--parley-accent-text,#fff);--t:var(--parley-text,#1f2328);--m:var(--parley-muted,#57606a);--bg:var(--parley-bg,#fff);--f:var(--parley-field-bg,#fff);--b:var(--parley-border,#c6ccd2);--e:var(--parley-error,#b3261e);--w:var(--parley-pending-bg,#fff4d6);
color:var(--t);background:var(--bg);font-family:var(--parley-font,inherit);font-size:var(--parley-font-size,16px);font-weight:400;font-style:normal;line-height:1.5;letter-spacing:normal;text-align:left;text-transform:none;word-wrap:break-word;color-scheme:light;padding:var(--parley-padding,0)}
.p.dark{--a:var(--parley-accent-dark,#8ab4ff);--at:#0d1117;--t:var(--parley-text-dark,#e6edf3);--m:var(--parley-muted-dark,#a3acb6);--bg:var(--parley-bg-dark,#0d1117);--f:var(--parley-field-bg-dark,#161b22);--b:var(--parley-border-dark,#59626d);--e:var(--parley-error-dark,#ff9b8f);--w:#3a2e0a;color-scheme:dark}
@media (prefers-color-scheme:dark){.p:not(.light){--a:var(--parley-accent-dark,#8ab4ff);--at:#0d1117;--t:var(--parley-text-dark,#e6edf3);--m:var(--parley-muted-dark,#a3acb6);--bg:var(--parley-bg-dark,#0d1117);--f:var(--parley-field-bg-dark,#161b22);--b:var(--parley-border-dark,#59626d);--e:var(--parley-error-dark,#ff9b8f);--w:#3a2e0a;color-scheme:dark}}
*{box-sizing:border-box}
[hidden]{display:none!important}
h2,h3{font-size:1.25em;line-height:1.3;margin:0 0 .75em;color:inherit;font-weight:700}
h3{font-size:1.1em}
ol{list-style:none;margin:0;padding:0}
.replies{margin-left:1.25em;padding-left:1em;border-left:2px solid var(--b)}
.replies .replies .replies .replies{margin-left:0;padding-left:0;border:0}
.c{margin:0 0 1.25em}
.cb{display:flex;gap:.75em;align-items:flex-start}
.av{flex:none;width:2.5em;height:2.5em;border-radius:50%;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:.9em;user-select:none}
.cm{flex:1;min-width:0}
.hd{display:flex;flex-wrap:wrap;gap:.25em .75em;align-items:baseline}
.nm{font-weight:700;color:inherit}
a{color:var(--a)}
time{color:var(--m);font-size:.875em}
.tx p{margin:.35em 0}
.tx pre{overflow:auto}
.tx blockquote{margin:.5em 0;padding-left:1em;border-left:3px solid var(--b);color:var(--m)}
.pd{display:inline-block;margin:.25em 0;padding:.1em .5em;border-radius:4px;background:var(--w);color:var(--t);font-size:.875em;font-style:italic}
.c.pending>.cb .tx{opacity:.85}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer;border-radius:var(--parley-radius,6px)}
.lk,.ak{background:none;border:0;padding:0;color:var(--a);font-size:.875em;font-weight:600;text-decoration:underline}
.bt{display:inline-block;background:var(--a);color:var(--at);border:1px solid var(--a);padding:.5em 1.1em;font-weight:600}
.bt2{display:inline-block;background:transparent;color:var(--a);border:1px solid var(--a);padding:.4em 1em}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
form{margin:1.5em 0 0;display:block}
.rs .rl{margin:1em 0 0}
.fd{margin:0 0 .9em}
label{display:block;font-weight:600;margin:0 0 .2em}
.ck label{display:inline;font-weight:400;margin:0 0 0 .4em}
.ck{margin:0 0 .6em;display:flex;align-items:flex-start}
.ck input{margin-top:.3em;flex:none}
input[type=text],input[type=email],input[type=url],textarea{display:block;width:100%;max-width:100%;padding:.5em .6em;border:1px solid var(--b);border-radius:var(--parley-radius,6px);background:var(--f);color:var(--t)}
textarea{min-height:8em;resize:vertical}
[aria-invalid=true]{border-color:var(--e)!important}
.er{color:var(--e);font-size:.875em;margin:.25em 0 0;min-height:0}
.er:empty{display:none}
.nt{color:var(--m);font-size:.875em;margin:0 0 1em}
.st{margin:.75em 0 0}
.st:empty{display:none}
.st.bad{color:var(--e)}
.rq{color:var(--e)}
.hp{position:absolute!important;left:-10000px;width:1px;height:1px;overflow:hidden}
.ac{display:flex;gap:1em;align-items:center;flex-wrap:wrap}
.ft{color:var(--m);font-size:.75em;margin-top:1em}
.bar{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:baseline;justify-content:space-between}
label.so,.so{display:inline;font-weight:400;font-size:.875em;color:var(--m)}
select{font:inherit;color:var(--t);background:var(--f);border:1px solid var(--b);border-radius:var(--parley-radius,6px);padding:.15em .3em}
.acts{display:flex;flex-wrap:wrap;gap:.25em 1em}
.c.hl>.cb,.c:target>.cb{outline:2px solid var(--a);outline-offset:4px;border-radius:2px;background:var(--w)}
.ed{margin:.5em 0}.ed .ac{margin-top:.5em}
.fh{margin:1em 0 0;font-size:.875em;color:var(--m)}.fh summary{cursor:pointer}.fh ul{list-style:disc;margin:.5em 0 0 1.5em;padding:0}
.tx ul{list-style:disc;padding-left:1.5em}.tx ol{list-style:decimal;padding-left:1.5em}.tx code{font-size:.9em}
.ft a{color:inherit}
`;
