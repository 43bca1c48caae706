// The system proxy, as Chromium resolves it, turned into an undici dispatcher for Feishu calls.
import { ProxyAgent, type Dispatcher } from 'undici';

/**
 * The first usable entry of a PAC-style answer ("PROXY host:port; DIRECT") as a proxy URL, or null
 * for DIRECT. Entries are tried in order, as Chromium does: a DIRECT before a proxy means direct.
 * SOCKS is skipped (undici's ProxyAgent cannot speak it); `socksOnly` reports a rule that had
 * nothing but SOCKS, so the caller can log why the proxy is not used.
 */
export function proxyUrlFromRule(rule: string, onSocksOnly?: () => void): string | null {
  let sawSocks = false;
  for (const entry of rule.split(';')) {
    const [kind, hostPort] = entry.trim().split(/\s+/);
    if (!kind) continue;
    const k = kind.toUpperCase();
    if (k === 'DIRECT') return null;
    if (!hostPort) continue;
    if (k === 'PROXY' || k === 'HTTP') return `http://${hostPort}`;
    if (k === 'HTTPS') return `https://${hostPort}`;
    if (k.startsWith('SOCKS')) sawSocks = true;
  }
  if (sawSocks) onSocksOnly?.();
  return null;
}

export async function dispatcherForSystemProxy(
  resolveProxy: (url: string) => Promise<string>,
  targetUrl: string,
  log?: { warn(message: string, fields?: Record<string, unknown>): void },
): Promise<Dispatcher | undefined> {
  const rule = await resolveProxy(targetUrl).catch(() => 'DIRECT');
  const url = proxyUrlFromRule(rule, () => log?.warn('the system proxy is SOCKS only, which is not supported; connecting directly'));
  return url ? new ProxyAgent(url) : undefined;
}
