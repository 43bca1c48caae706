// The CLI's proxy: only the CLI reads the environment (the app resolves the system proxy in main).
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

/**
 * An undici proxy agent when HTTPS_PROXY / HTTP_PROXY is set in `env` (it honours NO_PROXY from
 * `env` too), else undefined. Only `env` is read, never process.env behind the caller's back.
 */
export function dispatcherFromEnv(env: NodeJS.ProcessEnv = process.env): Dispatcher | undefined {
  const read = (name: string) => env[name] || env[name.toLowerCase()] || '';
  const httpProxy = read('HTTP_PROXY');
  const httpsProxy = read('HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  // Empty strings (not undefined) so undici does not fall back to process.env.
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: read('NO_PROXY') });
}
