import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPE_DIRECTORY_EMPLOYEES } from './directory-filter';
import { startSimulator, FIELD_SCOPES, type Simulator } from './index';
import { call, tokenFor } from './simulator.testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, employees: 250, rateLimitPerSecond: 100_000, employeesFilter: 'available' });
  token = await tokenFor(sim);
});
afterAll(async () => {
  await sim.close();
});

const PATH = '/open-apis/directory/v1/employees/filter?employee_id_type=employee_id&department_id_type=open_department_id';
const FIELDS = ['base_info.name', 'base_info.email', 'base_info.departments', 'base_info.is_resigned', 'work_info.job_number'];
type Employee = { base_info: { employee_id?: string; name?: { name: { default_value: string } }; email?: string; departments?: { department_id: string }[]; is_resigned?: boolean }; work_info?: { job_number?: string } };
type Data = { employees: Employee[]; page_response: { has_more: boolean; page_token?: string } };

const filter = (page_request: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  call(sim, 'POST', PATH, { token, body: { filter: { conditions: [] }, required_fields: FIELDS, page_request, ...over } });

async function everyone(pageSize: number): Promise<{ employees: Employee[]; calls: number }> {
  const employees: Employee[] = [];
  let pageToken: string | undefined;
  for (let calls = 1; calls < 100; calls++) {
    const r = await filter({ page_size: pageSize, ...(pageToken ? { page_token: pageToken } : {}) });
    expect(r.json?.code, JSON.stringify(r.json)).toBe(0);
    const data = r.json!.data as Data;
    employees.push(...data.employees);
    if (!data.page_response.has_more) return { employees, calls };
    pageToken = data.page_response.page_token;
  }
  throw new Error('no end');
}

describe('directory: employees/filter', () => {
  it('lists every employee once, resigned included, 100 a page, with the fields asked for', async () => {
    const { employees, calls } = await everyone(100);
    expect(calls).toBe(Math.ceil(sim.tenant.users.length / 100));
    expect(employees.map((e) => e.base_info.employee_id)).toEqual(sim.tenant.users.map((u) => u.user_id));
    const u = sim.tenant.users.find((x) => x.status.is_resigned)!;
    const e = employees.find((x) => x.base_info.employee_id === u.user_id)!;
    expect(e.base_info).toEqual({
      employee_id: u.user_id,
      name: { name: expect.objectContaining({ default_value: u.name }) },
      email: u.email,
      departments: u.department_ids.map((department_id) => ({ department_id })),
      is_resigned: true,
    });
    expect(e.work_info).toEqual({ job_number: u.employee_no });
  });

  it('refuses a page larger than 100 and an unknown field', async () => {
    expect((await filter({ page_size: 101 })).json?.code).not.toBe(0);
    expect((await filter({ page_size: 10 }, { required_fields: ['base_info.salary'] })).json?.code).not.toBe(0);
  });

  it('leaves out what a missing field scope hides, the employee_id included', async () => {
    sim.switches.missingScopes = [FIELD_SCOPES.email, FIELD_SCOPES.user_id];
    try {
      const data = (await filter({ page_size: 5 })).json!.data as Data;
      for (const e of data.employees) {
        expect(e.base_info.email).toBeUndefined();
        expect(e.base_info.employee_id).toBeUndefined();
      }
    } finally {
      sim.switches.missingScopes = [];
    }
  });

  it('says which scope is missing where the app may not call it, and can leave the resigned out', async () => {
    sim.switches.employeesFilter = 'unavailable';
    try {
      const r = await filter({ page_size: 10 });
      expect(r.json?.code).toBe(99991672);
      expect(JSON.stringify(r.json)).toContain(SCOPE_DIRECTORY_EMPLOYEES);
      sim.switches.employeesFilter = 'available_without_resigned';
      const { employees } = await everyone(100);
      expect(employees).toHaveLength(sim.tenant.users.filter((u) => !u.status.is_resigned).length);
    } finally {
      sim.switches.employeesFilter = 'available';
    }
  });

  it('counts against its own per-minute contact quota', async () => {
    sim.resetStats();
    await filter({ page_size: 1 });
    expect(sim.stats().requests['directory.employees_filter']).toBe(1);
  });
});
