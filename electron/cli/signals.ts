// Stopping a CLI run from outside: Ctrl+C (SIGINT), `timeout`, systemd or cron (SIGTERM), a closed terminal
// or ssh session (SIGHUP). The first signal cancels like Ctrl+C, so the manifest is still written; a second
// one exits at once. Exit codes follow the shell: 128 + the signal's number.
import { EXIT } from './messages';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

// POSIX numbers, fixed so the exit code is the same on every platform (Windows has no numbers of its own).
const SIGNAL_NUMBER: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function exitCodeForSignal(sig: StopSignal): number {
  return 128 + SIGNAL_NUMBER[sig];
}

export interface SignalWatch {
  /** The exit code of a run that was interrupted: from the first signal, 130 if none came. */
  interruptedCode(): number;
  /** Stops listening (the default actions apply again). */
  dispose(): void;
}

export interface SignalWatchDeps {
  exit: (code: number) => void;
  proc: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Calls onFirst for the first stop signal; exits with that signal's code on the next. */
export function watchStopSignals(
  onFirst: (sig: StopSignal) => void,
  deps: SignalWatchDeps = { exit: (code) => process.exit(code), proc: process },
): SignalWatch {
  let first: StopSignal | null = null;
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = () => {
      if (first) return deps.exit(exitCodeForSignal(sig));
      first = sig;
      // The terminal that went away takes stdout/stderr with it: a failed write must not end the run before
      // the manifest is written.
      if (sig === 'SIGHUP') ignoreStreamErrors();
      onFirst(sig);
    };
    deps.proc.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    interruptedCode: () => (first ? exitCodeForSignal(first) : EXIT.interrupted),
    dispose: () => {
      for (const [sig, handler] of handlers) deps.proc.off(sig, handler);
    },
  };
}

function ignoreStreamErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/** What the CLI says when a stop signal arrives. */
export function stopMessage(sig: StopSignal): string {
  const how = sig === 'SIGINT' ? 'press Ctrl+C again' : 'send a second signal';
  return `${sig === 'SIGINT' ? 'Interrupted' : `Stopped by ${sig}`} — finishing the current files and writing the manifest (${how} to quit at once).`;
}
