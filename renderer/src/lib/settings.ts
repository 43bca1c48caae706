// Settings, app info and sign-in state: the reads every screen shares, and the one settings write.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Settings, SettingsPatch } from '../../../shared/model';
import { api, unwrap } from './api';
import { queryKeys, staleTimes } from './queryKeys';
import { toSettingsPatch } from './settingsPatch';

export const settingsQuery = () => ({ queryKey: queryKeys.settings, queryFn: () => unwrap(api.settingsGet()), staleTime: staleTimes.settings });
export const appInfoQuery = () => ({ queryKey: queryKeys.appInfo, queryFn: () => unwrap(api.appInfo()), staleTime: staleTimes.appInfo });
export const credentialsQuery = () => ({
  queryKey: queryKeys.credentials,
  queryFn: () => unwrap(api.credentialsStatus()),
  staleTime: staleTimes.credentials,
});

export function useSettings() {
  return useQuery(settingsQuery());
}

/**
 * Saves a change. Only the changed fields are sent (the patch schema fills in nothing), and the
 * cached settings change at once so language and theme switch without waiting for main.
 */
export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (changes: SettingsPatch) => unwrap(api.settingsSet(toSettingsPatch(changes))),
    onMutate: async (changes: SettingsPatch) => {
      await qc.cancelQueries({ queryKey: queryKeys.settings });
      const previous = qc.getQueryData<Settings>(queryKeys.settings);
      if (previous) qc.setQueryData<Settings>(queryKeys.settings, { ...previous, ...toSettingsPatch(changes) });
      return { previous };
    },
    onError: (_e, _changes, context) => {
      if (context?.previous) qc.setQueryData(queryKeys.settings, context.previous);
    },
    onSuccess: (s: Settings) => qc.setQueryData(queryKeys.settings, s),
  });
}

export function useAppInfo() {
  return useQuery(appInfoQuery());
}

export function useCredentials() {
  return useQuery(credentialsQuery());
}
