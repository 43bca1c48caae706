// The confirmation before a photo change. Changing attendance photos is never done by accident: --yes, or a "y"
// typed at a terminal. A script without --yes (stdin not a terminal) is refused, and nothing is changed.
import { createInterface } from 'node:readline/promises';
import { appError } from '../../shared/errors';

export interface ConfirmIo {
  /** Whether stdin is a terminal someone can answer at. */
  interactive: boolean;
  ask(question: string): Promise<string>;
}

export function processConfirmIo(): ConfirmIo {
  return {
    interactive: Boolean(process.stdin.isTTY),
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** Resolves when the change is confirmed; throws photo.confirm_required or photo.declined otherwise. */
export async function confirmChange(question: string, yes: boolean, io: ConfirmIo = processConfirmIo()): Promise<void> {
  if (yes) return;
  if (!io.interactive) throw appError('photo.confirm_required', 'Confirmation needed: pass --yes');
  const answer = (await io.ask(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw appError('photo.declined', 'Declined at the confirmation');
}
