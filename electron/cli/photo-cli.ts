// The command-line shape of the photo-change commands (replace, restore, import), registered beside export and
// check. The connection options and the run wrapper (signals, session, error mapping) are main.ts's, passed in.
import { Command, InvalidArgumentError } from 'commander';
import type { Reporter } from './report';
import type { Session } from './session';
import { runImportCommand } from './import-command';
import { runReplace, runRestore } from './photo-commands';

type RunWith = <O extends { json?: boolean }>(opts: O, body: (s: Session, r: Reporter, signal: AbortSignal, interruptedCode: () => number) => Promise<number>) => Promise<{ code: number }>;

export interface PhotoCliHost {
  setExit(code: number): void;
  addConnectionOptions(cmd: Command): Command;
  runWith: RunWith;
}

const REPLACE_EXAMPLES = `
Examples:
  npm run cli -- replace E00123 --photo ./new/E00123.jpg          (preview, then asks y/N)
  npm run cli -- replace jun.liang@example.com --photo face.png --yes --json
The photo is checked (JPEG or PNG, complete, at most --max-bytes, at least 200 px), turned upright and stripped of
EXIF/GPS and other metadata before it is sent. The old photo is kept in the archive beside the photo cache first.
Needs the scope attendance:rule. Exit codes: 0 changed (or already that photo), 1 Feishu refused the photo,
2 usage, scope, a photo that fails the checks, or no --yes when stdin is not a terminal (nothing changed).
`;

const RESTORE_EXAMPLES = `
Examples:
  npm run cli -- restore E00123           (puts back the photo from before the latest change made with this tool)
The archived bytes are uploaded again, so this works even when Feishu no longer serves the old photo.
`;

const IMPORT_EXAMPLES = `
Examples:
  npm run cli -- import --from ./new-photos --dry-run               (the plan only; nothing is sent)
  npm run cli -- import --from ./new-photos --yes                   (E00123.jpg → the employee with 工号 E00123)
  npm run cli -- import --from ./faces --match "{name}_{employee_no}" --replace --yes   (re-import an export)
Each file is matched by its name without the extension, the inverse of export's --template (default {employee_no};
subfolders are searched too). Outcomes: enrol, replace (only with --replace), same photo, has photo (skipped),
no such employee, ambiguous, invalid image. The folder is never modified. Re-running skips what already matches.
Exit codes: 0 every planned change made, 1 some file failed or could not be imported (listed), 2 usage or
configuration (e.g. the app lacks attendance:rule; no --yes when stdin is not a terminal), 130/143/129 stopped.
`;

export function parseByteCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number of bytes');
  return n;
}

export function registerPhotoCommands(program: Command, host: PhotoCliHost): void {
  host
    .addConnectionOptions(
      program
        .command('replace')
        .description("change one employee's attendance face photo (preview, confirmation, old photo archived)")
        .argument('<employee>', 'user id, employee number (工号), email, mobile or name')
        .requiredOption('--photo <file>', 'the new photo (JPEG or PNG)')
        .option('--yes', 'change without asking (needed when stdin is not a terminal)')
        .option('--max-bytes <n>', 'largest photo to upload, bytes (default 2 MB)', parseByteCount),
    )
    .addHelpText('after', REPLACE_EXAMPLES)
    .action(async (who: string, o: { photo: string; yes?: boolean; maxBytes?: number; json?: boolean }) => {
      const { code } = await host.runWith(o, (s, r, signal) => runReplace(s, who, o.photo, r, signal, { yes: o.yes, maxBytes: o.maxBytes }));
      host.setExit(code);
    });

  host
    .addConnectionOptions(
      program
        .command('restore')
        .description('put back the face photo an employee had before the latest change made with this tool')
        .argument('<employee>', 'user id, employee number (工号), email, mobile or name')
        .option('--yes', 'restore without asking (needed when stdin is not a terminal)'),
    )
    .addHelpText('after', RESTORE_EXAMPLES)
    .action(async (who: string, o: { yes?: boolean; json?: boolean }) => {
      const { code } = await host.runWith(o, (s, r, signal) => runRestore(s, who, r, signal, { yes: o.yes }));
      host.setExit(code);
    });

  host
    .addConnectionOptions(
      program
        .command('import')
        .description('enrol or replace face photos from a folder, matched to employees by file name')
        .requiredOption('--from <dir>', 'the folder of photos (never modified)')
        .option('--match <template>', 'file name template to match, like export --template', '{employee_no}')
        .option('--replace', 'also replace photos employees already have (the old ones are archived)')
        .option('--dry-run', 'show the plan only; send nothing')
        .option('--yes', 'change without asking (needed when stdin is not a terminal)')
        .option('--max-bytes <n>', 'largest photo to upload, bytes (default 2 MB)', parseByteCount),
    )
    .addHelpText('after', IMPORT_EXAMPLES)
    .action(async (o: { from: string; match?: string; replace?: boolean; dryRun?: boolean; yes?: boolean; maxBytes?: number; json?: boolean }) => {
      const { code } = await host.runWith(o, (s, r, signal, interrupted) => runImportCommand(s, o, r, signal, interrupted));
      host.setExit(code);
    });
}
