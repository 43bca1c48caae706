// The renderer's only door to main: window.api in Electron, the HTTP harness bridge in a plain browser.
import type { AppApi } from '../../../shared/ipc';
import { AppFailure, isAppFailure, type AppError, type Result } from '../../../shared/errors';
import { createHarnessApi } from './harness-bridge';

declare global {
  interface Window {
    api?: AppApi;
  }
}

export const api: AppApi = window.api ?? createHarnessApi();

/** Turns a Result into its data, or throws it as an AppFailure (carrying the stable AppError) for react-query's error state. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    // A broken bridge (harness down, main gone) is an unreachable app, not a crash.
    throw new AppFailure({ code: 'net.unreachable', message: 'The app backend did not answer' });
  }
  if (result.ok) return result.data;
  throw new AppFailure(result.error);
}

/** The AppError inside anything a query or mutation failed with. */
export function errorInfo(e: unknown): AppError {
  if (isAppFailure(e)) return e.info;
  return { code: 'internal', message: 'Unexpected error' };
}
