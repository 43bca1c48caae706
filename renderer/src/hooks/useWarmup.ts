// What the browse screen renders or loads only once the first rows are on screen.
import { useEffect, useState } from 'react';

/**
 * The list is what the admin came for: the side panel (a big tree in a large company) and the header lookup
 * render in the frame after the first rows (or an error) instead of delaying them. The panel's data was
 * prefetched with the first page.
 */
export function usePanelReady(listShown: boolean, failed: boolean): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || (!listShown && !failed)) return;
    const id = requestAnimationFrame(() => setReady(true));
    return () => cancelAnimationFrame(id);
  }, [ready, listShown, failed]);
  return ready;
}

/**
 * Once the first rows are on screen, fetches the drawers' and dialogs' code in the background; true when done,
 * so the (closed) detail drawer can mount and do its one-time set-up before the first click on a row.
 */
export function useDrawersWarm(listShown: boolean, loaders: ReadonlyArray<() => Promise<unknown>>): boolean {
  const [warm, setWarm] = useState(false);
  useEffect(() => {
    if (!listShown) return;
    let live = true;
    const id = setTimeout(() => {
      Promise.all(loaders.map((load) => load())).then(
        () => live && setWarm(true),
        () => undefined,
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [listShown, loaders]);
  return warm;
}

export function useWindowHeight(): number {
  const [h, setH] = useState(window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h;
}
