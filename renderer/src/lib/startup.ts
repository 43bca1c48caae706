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

/** Asks main for the shell's state now; signed in, the workspace's first reads follow at once. */
export function startFirstReads(qc: QueryClient): void {
  void qc.prefetchQuery(settingsQuery());
  void qc.prefetchQuery(appInfoQuery());
  void qc.prefetchQuery(credentialsQuery()).then(() => {
    if (qc.getQueryData<{ configured: boolean }>(credentialsQuery().queryKey)?.configured) prefetchWorkspace(qc);
  });
}
