// The confirmation before a photo change. Changing attendance photos is never done by accident: --yes, or a "y"
// typed at a terminal. A script without --yes (stdin not a terminal) is refused, and nothing is changed.
import { createInterface } from 'node:readline/promises';
import { appError, type ErrorCode } from '../../shared/errors';

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

/** The refusals a command throws: a photo change's by default, a reminder's for `remind`. */
export interface Refusals {
  required: ErrorCode;
  declined: ErrorCode;
}

const PHOTO_REFUSALS: Refusals = { required: 'photo.confirm_required', declined: 'photo.declined' };
export const REMIND_REFUSALS: Refusals = { required: 'remind.confirm_required', declined: 'remind.declined' };

/** Resolves when the change is confirmed; throws the refusal's required or declined code otherwise. */
export async function confirmChange(question: string, yes: boolean, io: ConfirmIo = processConfirmIo(), refusals: Refusals = PHOTO_REFUSALS): Promise<void> {
  if (yes) return;
  if (!io.interactive) throw appError(refusals.required, 'Confirmation needed: pass --yes');
  const answer = (await io.ask(`${question} [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw appError(refusals.declined, 'Declined at the confirmation');
}
