// Shortcut labels as the admin's keyboard prints them: ⌘ on a Mac, Ctrl elsewhere.
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** "⌘K" on a Mac, "Ctrl+K" elsewhere (the handlers accept either modifier). */
export function shortcut(key: string): string {
  return isMac ? `⌘${key}` : `Ctrl+${key}`;
}
