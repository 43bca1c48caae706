// Test fixture: appends argv[3] entries to the audit log in folder argv[2] from its own process, so a test can
// run two of them at once against one file.
import { appendAudit } from './log';

const dir = process.argv[2] ?? '';
const count = Number(process.argv[3] ?? '0');
const who = process.argv[4] ?? 'child';
for (let i = 0; i < count; i++) {
  await appendAudit(dir, { action: 'detail.open', tenant: 'demo', fields: { userId: `${who}-${i}` } });
}
process.stdout.write('done\n');
