"""Look and small browser-side behaviour of the web chat: theme (local fonts only: nothing is
fetched from a font service), CSS for the rendered answers and charts, and the IME guard."""

from __future__ import annotations

# Fonts by name only (a gr.themes.GoogleFont would make every browser fetch it from the internet).
FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
         "system-ui", "sans-serif"]  # fmt: skip
MONO = ["Noto Sans Mono CJK SC", "ui-monospace", "SFMono-Regular", "Menlo", "monospace"]


def theme():
    import gradio as gr

    return gr.themes.Soft(
        primary_hue="blue", secondary_hue="slate", neutral_hue="slate", font=FONTS, font_mono=MONO
    )


# Pressing Enter to pick a candidate in a Chinese input method must not send the question.
# Gradio's textbox sends on a `keypress` Enter; Chromium fires none while composing, but other
# browsers and IMEs differ (Safari sends the confirming key after compositionend, keyCode 229).
# So a capturing listener on window, which runs before the textbox's own handler, stops any
# Enter keydown/keypress that belongs to a composition; the IME still receives the key.
IME_GUARD = """
<script>
(() => {
  if (window.__bqImeGuard) return;
  window.__bqImeGuard = true;
  let composing = false;
  window.addEventListener("compositionstart", () => { composing = true; }, true);
  window.addEventListener("compositionend", () => { composing = false; }, true);
  const guard = (e) => {
    if (e.key !== "Enter" && e.keyCode !== 229) return;
    const t = e.target;
    if (!t || !t.closest || !t.closest("#bq-question")) return;
    if (e.isComposing || e.keyCode === 229 || composing) {
      e.stopImmediatePropagation();
      window.__bqImeBlocked = (window.__bqImeBlocked || 0) + 1;
    }
  };
  window.addEventListener("keydown", guard, true);
  window.addEventListener("keypress", guard, true);
})();
</script>
"""

CSS = """
.bq-header { border-left: 6px solid #c0392b; padding: 6px 14px; margin-bottom: 4px; }
.bq-header h1 { font-size: 1.6rem; margin: 0 0 4px 0; }
.bq-header p { margin: 0; color: var(--body-text-color-subdued); }
.bq-welcome { font-size: 1rem; line-height: 1.7; padding: 12px; }
.bq-answer { line-height: 1.75; }
.bq-answer .bq-text { white-space: normal; }
.bq-cursor { opacity: .6; }
.bq-badge { display: inline-block; background: #fdebd0; color: #935116; border-radius: 4px; padding: 0 6px;
            font-size: .85em; margin-bottom: 4px; }
.bq-not_found .bq-text { color: #7b4d00; }
.bq-resolved { color: var(--body-text-color-subdued); font-size: .88em; margin-top: 4px; }
.bq-formula { margin-top: 6px; font-size: .92em; }
.bq-formula code { white-space: normal; word-break: break-all; }
details.bq-sources { margin-top: 8px; border: 1px solid var(--border-color-primary); border-radius: 8px;
                     padding: 4px 10px; background: var(--background-fill-secondary); font-size: .9em; }
details.bq-sources summary { cursor: pointer; font-weight: 600; color: var(--color-accent); }
details.bq-sources ol { margin: 6px 0 4px 1.2em; padding: 0; }
details.bq-sources li { margin: 4px 0; }
details.bq-sources blockquote { margin: 4px 0 2px 0; padding: 2px 8px; border-left: 3px solid #c0392b;
                                color: var(--body-text-color-subdued); }
.bq-where { display: inline-block; background: #eaf2fb; color: #1f4e79; border-radius: 4px; padding: 0 5px;
            font-weight: 600; }
#bq-examples { align-items: center; gap: 8px; flex-wrap: wrap; }
#bq-examples > * { flex: 0 0 auto !important; width: auto !important; min-width: 0 !important; }
#bq-examples button { white-space: nowrap; }
#bq-examples .bq-spacer { flex: 1 1 0 !important; }
.bq-try { line-height: 2.2; white-space: nowrap; color: var(--body-text-color-subdued); }
#bq-tip { color: var(--body-text-color-subdued); font-size: .85em; }
.bq-glance h2 { margin: 4px 0 10px 0; }
.bq-cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 12px; }
.bq-card { flex: 1 1 200px; border-radius: 10px; padding: 12px 16px; background: var(--background-fill-secondary);
           border: 1px solid var(--border-color-primary); }
.bq-card-label { color: var(--body-text-color-subdued); font-size: .9em; }
.bq-card-value { font-size: 1.45rem; font-weight: 700; color: #1f4e79; }
.bq-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.bq-chart { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 14px; }
.bq-chart h3 { margin: 2px 0 6px 0; font-size: 1.1rem; }
.bq-legend { display: flex; gap: 14px; font-size: .85em; margin-bottom: 6px; align-items: center; }
.bq-key i { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 4px;
            vertical-align: -1px; }
.bq-unit { margin-left: auto; color: var(--body-text-color-subdued); }
.bq-row { display: flex; gap: 10px; padding: 6px 0; border-top: 1px dashed var(--border-color-primary); }
.bq-label { flex: 0 0 34%; font-size: .9em; line-height: 1.35; }
.bq-lines { flex: 1; }
.bq-line { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.bq-bar { height: 14px; border-radius: 3px; min-width: 2px; }
.bq-s0 { background: #2e86c1; }
.bq-s1 { background: #aab7b8; }
.bq-amt { font-size: .82em; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bq-up { color: #c0392b; font-size: .85em; }
.bq-down { color: #1e8449; font-size: .85em; }
.bq-same { color: var(--body-text-color-subdued); font-size: .85em; }
.bq-note { color: var(--body-text-color-subdued); font-size: .85em; margin: 0 0 6px 0; }
.bq-src { color: var(--body-text-color-subdued); font-size: .78em; margin: 6px 0 0 0; }
.bq-audit { font-size: .92em; line-height: 1.7; }
.bq-ok { color: #1e8449; }
.bq-bad { color: #c0392b; }
.bq-failed { color: #c0392b; margin: 2px 0 0 1.2em; }
"""
