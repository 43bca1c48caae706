// Issue #8, defect 1: when Feishu (or a gateway) answers with a msg that echoes the request — the
// Authorization header with the bearer token, the app secret — no output of the CLI may carry them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTenant, listFiles, ndjson, readManifest, runCli, type CliRun } from './cli.testkit';

const SECRET = 'Echoed-App-S3cret-0e1f2a';
const tenant = cliTenant({ seed: 11, employees: 40, latencyMs: 0, appSecret: SECRET });

/** Every file under dir (manifest, photos, the photo cache), as text: a leaked string shows in any of them. */
async function filesText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of await listFiles(dir).catch(() => [])) parts.push(f, (await readFile(join(dir, f))).toString('latin1'));
  return parts.join('\n');
}

/** The issued tokens and the app secret that appear in `text` (should be none). */
function leaks(text: string): string[] {
  const tokens = tenant.sim.issuedTokens();
  expect(tokens.length).toBeGreaterThan(0);
  return [...tokens, SECRET].filter((s) => text.includes(s));
}

const output = (run: CliRun) => `${run.stdout}\n${run.stderr}`;

describe('cli output when Feishu echoes the credentials in its errors', { timeout: 120_000 }, () => {
  it('photo downloads: stdout, stderr, --json, manifest.csv and the cache carry neither token nor secret', async () => {
    tenant.sim.switches.echoCredentialsOn.add('files.download');
    const text = await runCli(['export', '--all', '--out', join(tenant.work, 'text')], { env: tenant.env(), timeoutMs: 90_000 });
    const json = await runCli(['export', '--all', '--json', '--out', join(tenant.work, 'json')], { env: tenant.env(), timeoutMs: 90_000 });

    // The export really met the echoing errors, and says so.
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/99992402/);
    const failed = (await readManifest(join(tenant.work, 'text'))).filter((r) => r.status === 'failed');
    expect(failed.length).toBe(tenant.enrolledActive().length);
    expect(failed[0]!.error_detail).toMatch(/Authorization=Bearer \*\*\*/);
    expect(ndjson(json.stdout).at(-1)).toMatchObject({ type: 'summary', exitCode: 1 });

    const everything = [output(text), output(json), await filesText(tenant.work)].join('\n');
    expect(leaks(everything)).toEqual([]);
  });

  it('face settings (user_settings/query): export and check, text and --json, carry neither token nor secret', async () => {
    tenant.sim.switches.echoCredentialsOn.add('user_settings.query');
    const who = tenant.enrolledActive()[0]!.user_id;
    const runs = [
      await runCli(['export', '--all', '--out', join(tenant.work, 'a')], { env: tenant.env() }),
      await runCli(['export', '--all', '--json', '--out', join(tenant.work, 'b')], { env: tenant.env() }),
      await runCli(['check', who], { env: tenant.env() }),
      await runCli(['check', who, '--json'], { env: tenant.env() }),
    ];
    for (const run of runs) expect(run.code).not.toBe(0);
    // The admin still learns what Feishu said, minus the credentials.
    expect(runs[0]!.stderr).toMatch(/field validation failed: header Authorization=Bearer \*\*\*/);

    const everything = [...runs.map(output), await filesText(tenant.work)].join('\n');
    expect(leaks(everything)).toEqual([]);
  });
});
