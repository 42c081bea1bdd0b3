/**
 * The web chat page's stylesheet (web-page.ts inlines it under a CSP hash). Light and dark follow
 * the system; one column, readable from a 360 px phone to a laptop.
 */
export const pageStyle = `
:root {
  --bg: #f4f6f8; --panel: #ffffff; --text: #1c232b; --muted: #5a6572; --line: #dde2e8;
  --code: #eef1f4; --accent: #1f6feb; --accent-text: #ffffff;
  --crit: #c62828; --warn: #b35c00; --unk: #6a4fb3; --ok: #2e7d32;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --panel: #161b22; --text: #e6e9ed; --muted: #9aa5b1; --line: #2b323c;
    --code: #222a33; --accent: #3b82f6; --crit: #ef5350; --warn: #f0a040; --unk: #b39ddb; --ok: #5cb860;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body {
  display: flex; flex-direction: column; height: 100vh; height: 100dvh;
  background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.top {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px;
  padding: 10px 18px; background: var(--panel); border-bottom: 1px solid var(--line);
}
.brand { display: flex; align-items: baseline; gap: 8px; font-size: 18px; }
.brand .dot { color: var(--crit); font-size: 14px; }
.brand .room { color: var(--muted); font-size: 14px; }
.summary { display: flex; flex-wrap: wrap; gap: 6px; flex: 1; min-width: 0; }
.pill {
  font-size: 12px; font-weight: 600; padding: 2px 9px; border-radius: 999px;
  background: var(--code); color: var(--muted); white-space: nowrap;
}
.pill.critical { background: var(--crit); color: #fff; }
.pill.warning { background: var(--warn); color: #fff; }
.pill.unknown { background: var(--unk); color: #fff; }
.pill.calm { background: var(--ok); color: #fff; }
.tools { display: flex; align-items: center; gap: 14px; font-size: 13px; color: var(--muted); }
.tools label { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.tools input[type="text"] { width: 9em; }
.tools input[type="checkbox"] { margin: 0; }
input[type="text"] {
  font: inherit; padding: 6px 9px; border: 1px solid var(--line); border-radius: 7px;
  background: var(--bg); color: var(--text); min-width: 0;
}
input[type="text"]:focus, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.need-name #name { border-color: var(--warn); box-shadow: 0 0 0 2px var(--warn); }
.live { white-space: nowrap; }
.live::before {
  content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  background: var(--warn); margin-right: 6px; vertical-align: 1px;
}
.live.on::before { background: var(--ok); }
#feed { flex: 1; overflow-y: auto; padding: 16px 18px 8px; }
.column { max-width: 880px; margin: 0 auto; display: flex; flex-direction: column; gap: 12px; }
.empty { color: var(--muted); text-align: center; margin-top: 18vh; }
.card {
  --sev: var(--muted);
  background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--sev);
  border-radius: 9px; padding: 11px 16px 12px; scroll-margin-top: 12px;
}
.card.st-resolved .facts, .card.st-resolved .section { display: none; }
.sev-critical { --sev: var(--crit); }
.sev-warning { --sev: var(--warn); }
.sev-unknown { --sev: var(--unk); }
.card.st-resolved { --sev: var(--ok); }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 12.5px; color: var(--muted); }
.badge {
  font-size: 11px; font-weight: 700; letter-spacing: .05em; text-transform: uppercase;
  color: #fff; background: var(--sev); padding: 2px 7px; border-radius: 4px;
}
.state { font-weight: 600; color: var(--text); }
.meta { margin-left: auto; }
.title { font-size: 15.5px; line-height: 1.35; margin: 5px 0 4px; overflow-wrap: anywhere; }
.st-resolved .title { color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 0 0 4px; font-size: 13.5px; }
.fact { min-width: 0; overflow-wrap: anywhere; }
.fact .label { color: var(--muted); margin-right: 2px; }
code {
  font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--code); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere;
}
.ago { color: var(--muted); }
.section { margin: 8px 0 0; font-size: 13.5px; }
.section > h3, .section > summary { font-size: 12px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); margin: 0 0 3px; }
.section > summary { cursor: pointer; }
.section ul { margin: 2px 0 0; padding-left: 18px; }
.section li { overflow-wrap: anywhere; margin: 1px 0; }
.blast ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 5px; }
.blast li { background: var(--code); border-radius: 5px; padding: 1px 7px; font-size: 12.5px; }
.next p {
  margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--code);
  border-radius: 6px; padding: 6px 10px; font-size: 13px;
}
.status { margin: 8px 0 0; font-size: 13.5px; font-weight: 600; }
.st-acknowledged .status, .st-snoozed .status { color: var(--accent); }
.st-resolved .status { color: var(--ok); }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; margin-top: 10px; }
.group { display: inline-flex; align-items: center; gap: 6px; }
.group-label { color: var(--muted); font-size: 13px; margin-right: 2px; }
button {
  font: inherit; font-size: 13.5px; padding: 6px 13px; border-radius: 7px; cursor: pointer;
  border: 1px solid var(--line); background: var(--panel); color: var(--text);
}
button:hover { border-color: var(--accent); }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button:disabled { opacity: .55; cursor: progress; }
.thread { list-style: none; margin: 10px 0 0; padding: 7px 0 0; border-top: 1px dashed var(--line); font-size: 13px; color: var(--muted); }
.thread li { margin: 2px 0; overflow-wrap: anywhere; }
.thread time { font-variant-numeric: tabular-nums; margin-right: 8px; }
.flash { animation: flash 1.4s ease-out; }
@keyframes flash { from { box-shadow: 0 0 0 3px var(--accent); } to { box-shadow: 0 0 0 0 transparent; } }
.hide-resolved .st-resolved { display: none; }
.reply { background: var(--panel); border: 1px dashed var(--muted); border-radius: 9px; padding: 10px 16px; font-size: 13.5px; }
.reply .asked { color: var(--muted); font-size: 12.5px; }
.reply h2 { font-size: 15px; margin: 4px 0; }
.reply figure.chart { margin: 6px 0; }
.reply figure.chart img { max-width: 100%; height: auto; border-radius: 6px; background: #fff; }
.reply h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 8px 0 2px; }
.reply ul { list-style: none; margin: 0; padding: 0; }
.reply li { overflow-wrap: anywhere; padding: 1px 0; }
.reply .foot { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
.composer { background: var(--panel); border-top: 1px solid var(--line); padding: 8px 18px calc(10px + env(safe-area-inset-bottom)); }
.quick { max-width: 880px; margin: 0 auto 7px; display: flex; gap: 6px; overflow-x: auto; }
.quick button { font-size: 12.5px; padding: 3px 11px; border-radius: 999px; white-space: nowrap; }
.row { max-width: 880px; margin: 0 auto; display: flex; gap: 8px; }
.row input { flex: 1; }
#toast {
  position: fixed; left: 50%; bottom: 118px; transform: translateX(-50%); width: max-content;
  max-width: min(92vw, 560px); background: var(--text); color: var(--bg); padding: 10px 15px;
  border-radius: 9px; font-size: 14px; box-shadow: 0 6px 24px rgba(0, 0, 0, .25);
}
@media (max-width: 640px) {
  body { font-size: 14.5px; }
  .top { padding: 8px 12px; gap: 6px 10px; }
  .live { order: 2; margin-left: auto; }
  .summary { order: 3; flex-basis: 100%; }
  .tools { order: 4; flex-basis: 100%; justify-content: space-between; }
  .tools input[type="text"] { width: 8.5em; }
  .title { font-size: 15px; }
  #feed { padding: 10px 8px 6px; }
  .card { padding: 10px 12px; }
  .meta { margin-left: 0; flex-basis: 100%; }
  .composer { padding: 7px 8px calc(8px + env(safe-area-inset-bottom)); }
  button { padding: 7px 12px; }
}
`;
