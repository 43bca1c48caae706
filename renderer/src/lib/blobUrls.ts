// blob: URLs for photo bytes, counted so the benchmark (and a curious developer) can see leaks.
declare global {
  interface Window {
    __faceAdminDebug?: { liveBlobUrls: number; createdBlobUrls: number };
  }
}

function debug() {
  window.__faceAdminDebug ??= { liveBlobUrls: 0, createdBlobUrls: 0 };
  return window.__faceAdminDebug;
}

export function createBlobUrl(bytes: Uint8Array, mime: string): string {
  // Copy into a fresh ArrayBuffer: the bridge may hand us a view into a shared or larger buffer.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const url = URL.createObjectURL(new Blob([copy.buffer], { type: mime }));
  const d = debug();
  d.liveBlobUrls++;
  d.createdBlobUrls++;
  return url;
}

export function revokeBlobUrl(url: string): void {
  URL.revokeObjectURL(url);
  debug().liveBlobUrls--;
}

debug();
