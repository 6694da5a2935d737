/** The API key the user typed, kept for this browser tab only (session storage), never in a cookie or the URL. */

const STORAGE_KEY = 'image-ocr-app.api-key';

/** Dispatched on the document when the server answers 401, so the key field shows itself. */
export const KEY_NEEDED_EVENT = 'image-ocr:api-key-needed';

/** The key to send, or an empty string when none was given. */
export function readApiKey(): string {
  return sessionStorage.getItem(STORAGE_KEY) ?? '';
}

/**
 * Wires the key field: it shows itself when a key is stored or the server asks for one, and every change is kept
 * in session storage at once.
 */
export function setupApiKeyField(section: HTMLElement, input: HTMLInputElement): void {
  input.value = readApiKey();
  section.hidden = input.value === '';
  input.addEventListener('input', () => {
    const key = input.value.trim();
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  });
  document.addEventListener(KEY_NEEDED_EVENT, () => {
    const firstTime = section.hidden;
    section.hidden = false;
    if (firstTime) input.focus();
  });
}
