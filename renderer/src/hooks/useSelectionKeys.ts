// Keyboard for the selection, outside text fields: Ctrl/⌘+A selects everyone in the filter, Esc clears.
import { useEffect } from 'react';

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

/** `blocked`: a drawer or dialog is open; Esc is its own then (it closes it), and so is Ctrl/⌘+A. */
export function useSelectionKeys(selectAll: () => void, clear: () => void, blocked: boolean): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (blocked || isTyping(e.target)) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        selectAll();
      } else if (e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) {
        clear();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectAll, clear, blocked]);
}
