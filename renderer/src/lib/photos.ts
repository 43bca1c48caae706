// Face photos: react-query keeps the BYTES (bounded by gcTime); each mounted image owns its blob: URL.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api';
import { queryKeys, staleTimes } from './queryKeys';
import { createBlobUrl, revokeBlobUrl } from './blobUrls';

/** Bytes of tiles scrolled away are dropped after this; scrolling back re-reads main's disk cache. */
const PHOTO_GC_MS = 60_000;

export function photoQueryOptions(faceKey: string) {
  return {
    queryKey: queryKeys.photo(faceKey),
    queryFn: () => unwrap(api.photo({ faceKey })),
    staleTime: staleTimes.photo,
    gcTime: PHOTO_GC_MS,
    retry: 1,
  };
}

export function usePhotoUrl(faceKey: string | null | undefined): { url: string | null; loading: boolean; error: unknown } {
  const query = useQuery({ ...photoQueryOptions(faceKey ?? '-'), enabled: !!faceKey });
  const photo = query.data;
  const [current, setCurrent] = useState<{ photo: typeof photo; url: string } | null>(null);
  useEffect(() => {
    if (!photo || !faceKey) return;
    // Created and revoked in the same effect: StrictMode's double run makes and frees two URLs, never leaks one.
    const url = createBlobUrl(photo.bytes, photo.mime);
    // The blob: URL is an external resource made here; handing it to render is the point of this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setCurrent({ photo, url });
    return () => {
      revokeBlobUrl(url);
    };
  }, [photo, faceKey]);
  // A URL made for other bytes (already revoked) is never handed out.
  const url = faceKey && photo && current?.photo === photo ? current.url : null;
  return { url, loading: !!faceKey && query.isPending, error: query.error };
}
