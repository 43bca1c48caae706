// Test fixture: one photo change in a separate process, so a test can kill it with SIGKILL between the upload and
// the modify. Input as JSON in argv[2]; prints "before-modify" once the journal's intent is on disk, then waits.
import { readFile } from 'node:fs/promises';
import { atRestKey, fixedKey } from '../at-rest/envelope';
import { createCore } from '../index';
import { applyPhotoChange } from './apply';
import { photoChangeDeps } from './index';

interface ChildInput {
  baseUrl: string;
  appId: string;
  appSecret: string;
  cacheDir: string;
  userId: string;
  file: string;
  /** The at-rest key (hex) the test's own core uses, so the test can read what this process archived. */
  keyHex: string;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const core = createCore({ baseUrl: input.baseUrl, appId: input.appId, appSecret: input.appSecret, cacheDir: input.cacheDir, photoCache: { kind: 'encrypted', keys: fixedKey(atRestKey(Buffer.from(input.keyHex, 'hex'))) } });
const deps = photoChangeDeps(core, input.cacheDir, {
  hooks: {
    beforeModify: async () => {
      process.stdout.write('before-modify\n');
      await new Promise(() => {}); // the test kills us here
    },
  },
});
const row = await core.employeeRow(input.userId);
const current = (await core.faces.get([input.userId], { fresh: true })).get(input.userId)!;
await applyPhotoChange(deps, { userId: input.userId, employeeNo: row.employeeNo, name: row.name, current }, { bytes: new Uint8Array(await readFile(input.file)), source: input.file }, 'replace');
process.stdout.write('finished\n');
await core.close();
