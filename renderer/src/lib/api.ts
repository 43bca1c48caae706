// The renderer's only door to main: window.api in Electron, the HTTP harness bridge in a plain browser.
import type { AppApi } from '../../../shared/ipc';
import type { AppError, Result } from '../../../shared/errors';
import { createHarnessApi } from './harness-bridge';

declare global {
  interface Window {
    api?: AppApi;
  }
}

export const api: AppApi = window.api ?? createHarnessApi();

/** Thrown by unwrap so react-query sees a failure; carries the stable AppError. */
export class ApiError extends Error {
  readonly info: AppError;
  constructor(info: AppError) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
  }
}

/** Turns a Result into its data, or throws the AppError for react-query's error state. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    // A broken bridge (harness down, main gone) is an unreachable app, not a crash.
    throw new ApiError({ code: 'net.unreachable', message: 'The app backend did not answer' });
  }
  if (result.ok) return result.data;
  throw new ApiError(result.error);
}

/** The AppError inside anything a query or mutation failed with. */
export function errorInfo(e: unknown): AppError {
  if (e instanceof ApiError) return e.info;
  return { code: 'internal', message: 'Unexpected error' };
}
