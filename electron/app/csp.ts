// The renderer's Content-Security-Policy, in one place so main, the harness and the tests agree.

export interface CspOptions {
  /** Vite dev server origin (e.g. http://localhost:5173): allows its scripts, HMR socket and the React preamble. */
  devServerUrl?: string | null;
  /** connect-src for the page itself: 'none' in the app (no network at all), 'self' in the browser harness. */
  connect?: 'none' | 'self';
}

export function buildCsp(opts: CspOptions = {}): string {
  const dev = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  const ws = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: [string, string][] = [
    ['default-src', "'none'"],
    // The dev server's React preamble is an inline module script; only in dev.
    ['script-src', dev ? `'self' ${dev} 'unsafe-inline'` : "'self'"],
    // antd (cssinjs) writes <style> elements at run time.
    ['style-src', dev ? `'self' ${dev} 'unsafe-inline'` : "'self' 'unsafe-inline'"],
    // Photos are blob: URLs. No data: (issue 3): the built antd CSS needs none for fonts, and the
    // only data: image in the bundle is the placeholder of antd's <Image placeholder>, unused here.
    ['img-src', dev ? `'self' ${dev} blob: data:` : "'self' blob:"],
    ['font-src', dev ? `'self' ${dev} data:` : "'self'"],
    ['connect-src', dev ? `'self' ${dev} ${ws}` : opts.connect === 'self' ? "'self'" : "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}
