// The window's first questions, asked as soon as the scripts run rather than once React has rendered and run its
// effects: on a cold start that render takes ~0.4 s, and the sign-in state, settings and (when signed in) the
// directory's first page are what every later frame waits for. The hooks then find them answered or under way.
import { QueryClient } from '@tanstack/react-query';
import { isTransient } from '../../../shared/errors';
import { errorInfo } from './api';
import { prefetchWorkspace } from './employees';
import { appInfoQuery, credentialsQuery, settingsQuery } from './settings';

export function createAppQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Only transient failures are worth an automatic second try; a missing scope stays missing.
        retry: (count, e) => count < 1 && isTransient(errorInfo(e).code),
        refetchOnWindowFocus: false,
      },
    },
  });
}

export interface FirstReads {
  /** Once main has told the sign-in state (and, signed in, the workspace's reads are under way): true when signed in. */
  signedIn: Promise<boolean>;
  /** Once what the first screen shows has settled: the settings, the sign-in state and, signed in, the list's first page. */
  settled: Promise<boolean>;
}

/** Asks main for the shell's state now; signed in, the workspace's first reads follow at once. Neither promise rejects. */
export function startFirstReads(qc: QueryClient): FirstReads {
  const settings = qc.prefetchQuery(settingsQuery());
  void qc.prefetchQuery(appInfoQuery());
  let firstPage: Promise<void> | undefined;
  const signedIn = qc.prefetchQuery(credentialsQuery()).then(() => {
    const configured = !!qc.getQueryData<{ configured: boolean }>(credentialsQuery().queryKey)?.configured;
    if (configured) firstPage = prefetchWorkspace(qc);
    return configured;
  });
  const settled = signedIn.then(async (configured) => {
    await Promise.all([settings, firstPage]);
    return configured;
  });
  return { signedIn, settled };
}
