// A pause until the process has handled whatever arrived meanwhile (I/O, IPC, the window's own files): long CPU
// work on the app's main thread, like restoring a 20,000-employee directory, awaits it between its steps (issue #10).
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
