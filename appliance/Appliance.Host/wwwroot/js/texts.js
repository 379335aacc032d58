// The room's texts in the page's language, from /js/texts.json (no inline script under the Content-Security-Policy).
'use strict';

/**
 * Loads the texts and returns t(key, ...args): the text with {0}, {1}… filled in, or the key itself when a text is
 * missing (which the completeness tests of the text tables rule out).
 */
export async function loadTexts(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const texts = response.ok ? await response.json() : {};
  return (key, ...args) => (texts[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}
