// The file-name template split into literal text and {tokens}, so the export dialog can show each token
// with its translated label next to the raw template, and mark the ones the exporter does not know.
import { TEMPLATE_TOKENS, type TemplateToken } from '../../../shared/naming';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'token'; token: string; known: boolean };

const TOKEN_RE = /\{([^{}]*)\}/g; // the same rule as shared/naming.ts validateTemplate
const KNOWN = new Set<string>(TEMPLATE_TOKENS);

export function isTemplateToken(token: string): token is TemplateToken {
  return KNOWN.has(token);
}

export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (const m of template.matchAll(TOKEN_RE)) {
    if (m.index > at) parts.push({ kind: 'text', text: template.slice(at, m.index) });
    const token = m[1] ?? '';
    parts.push({ kind: 'token', token, known: isTemplateToken(token) });
    at = m.index + m[0].length;
  }
  if (at < template.length) parts.push({ kind: 'text', text: template.slice(at) });
  return parts;
}
