// Test fixture: runs one export in a separate process so a test can kill it with SIGKILL mid-run.
// Input as JSON in argv[2]; prints "done <n>" lines as progress arrives.
import { createCore } from './index';

interface ChildInput {
  baseUrl: string;
  appId: string;
  appSecret: string;
  cacheDir: string;
  outDir: string;
  userIds: string[];
  ratePerSecond: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const core = createCore({
  baseUrl: input.baseUrl,
  appId: input.appId,
  appSecret: input.appSecret,
  cacheDir: input.cacheDir,
  client: { ratePerSecond: input.ratePerSecond },
});
const employees = await core.directory.employeesByIds(input.userIds);
await core.exporter.run({
  employees,
  outDir: input.outDir,
  options: { template: '{name}_{employee_no}', subfolders: 'department', zip: false },
  onProgress: (p) => process.stdout.write(`done ${p.done}\n`),
});
process.stdout.write('finished\n');
await core.close();
