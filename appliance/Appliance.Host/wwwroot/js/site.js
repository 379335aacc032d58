// Small progressive enhancements; every page works without script.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button.copy[data-copy-target]')) {
    button.addEventListener('click', async () => {
      const target = document.getElementById(button.dataset.copyTarget);
      if (!target) return;
      target.select();
      try {
        await navigator.clipboard.writeText(target.value);
      } catch {
        document.execCommand('copy');
      }
      const original = button.textContent;
      button.textContent = button.dataset.copiedText || original;
      setTimeout(() => { button.textContent = original; }, 2500);
    });
  }

  const summary = document.getElementById('errors');
  if (summary) {
    // A form posted after the skip link keeps "#main" in its address, and the browser would then move focus to
    // <main> once the page loads, away from the errors: drop the fragment first.
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    summary.focus();
  }
});
