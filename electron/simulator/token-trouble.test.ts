// The simulator's switches for issue #8: errors that echo the credentials, token churn, refused tokens.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

const GROUPS = '/open-apis/attendance/v1/groups?page_size=10';
const DOWNLOAD = (key: string) => `/open-apis/attendance/v1/files/${key}/download`;

let sim: Simulator;
afterEach(async () => {
  await sim.close();
});

describe('simulator token trouble', () => {
  it('echoes the Authorization header, the app id and the app secret in the msg of the chosen endpoints only', async () => {
    sim = await startSimulator({ employees: 20, appSecret: 'Sim-S3cret-xyz' });
    sim.switches.echoCredentialsOn.add('files.download');
    const token = await tokenFor(sim);
    const key = [...sim.tenant.faces.values()][0]!.face_key;
    const r = await call(sim, 'GET', DOWNLOAD(key), { token });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 99992402 });
    expect(r.json?.msg).toContain(`Authorization=Bearer ${token}`);
    expect(r.json?.msg).toContain(sim.appId);
    expect(r.json?.msg).toContain('app_secret=Sim-S3cret-xyz');
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(0);
    expect(sim.issuedTokens()).toEqual([token]);
  });

  it('token churn refuses every token issued before the last tick and issues a new one', async () => {
    let clock = 1_800_000_000_000;
    sim = await startSimulator({ employees: 20, now: () => clock });
    sim.switches.tokenChurnMs = 2000;
    const a = await tokenFor(sim);
    expect((await call(sim, 'GET', GROUPS, { token: a })).json?.code).toBe(0);
    clock += 2000;
    expect((await call(sim, 'GET', GROUPS, { token: a })).json?.code).toBe(99991663);
    const b = await tokenFor(sim);
    expect(b).not.toBe(a);
    expect((await call(sim, 'GET', GROUPS, { token: b })).json?.code).toBe(0);
    // Switched off, a churned token stays dead.
    sim.switches.tokenChurnMs = 0;
    expect((await call(sim, 'GET', GROUPS, { token: a })).json?.code).toBe(99991663);
    expect(sim.issuedTokens()).toEqual([a, b]);
  });

  it('refuseAllTokens refuses even a token it has just issued', async () => {
    sim = await startSimulator({ employees: 20 });
    sim.switches.refuseAllTokens = true;
    const token = await tokenFor(sim);
    expect((await call(sim, 'GET', GROUPS, { token })).json?.code).toBe(99991663);
  });
});
