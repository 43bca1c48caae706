// The system proxy, as Chromium resolves it, turned into an undici dispatcher for Feishu calls.
import { ProxyAgent, type Dispatcher } from 'undici';

/** First usable entry of a PAC-style answer ("PROXY host:port; DIRECT") as a proxy URL, or null for DIRECT. */
export function proxyUrlFromRule(rule: string): string | null {
  for (const entry of rule.split(';')) {
    const [kind, hostPort] = entry.trim().split(/\s+/);
    if (!kind || !hostPort) continue;
    const k = kind.toUpperCase();
    if (k === 'PROXY' || k === 'HTTP') return `http://${hostPort}`;
    if (k === 'HTTPS') return `https://${hostPort}`;
    // SOCKS is not supported by undici's ProxyAgent: try the next entry.
  }
  return null;
}

export async function dispatcherForSystemProxy(
  resolveProxy: (url: string) => Promise<string>,
  targetUrl: string,
): Promise<Dispatcher | undefined> {
  const rule = await resolveProxy(targetUrl).catch(() => 'DIRECT');
  const url = proxyUrlFromRule(rule);
  return url ? new ProxyAgent(url) : undefined;
}
