// A real sshd (test/support/sshd.ts) for a test file: started before its tests, stopped after.
// Beside useTestStack (stack-per-file.ts) for files that register ssh hosts on the stack.
import { after, before } from 'node:test';
import { startSshd, type TestSshd } from './sshd.ts';

/** Registers the hooks; the answer's `sshd` is there once they ran (read it in tests and later hooks). */
export function useTestSshd(): { readonly sshd: TestSshd } {
  let sshd: TestSshd | undefined;
  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });
  return {
    get sshd() {
      if (!sshd) throw new Error('the test sshd is read before its before() hook started it');
      return sshd;
    },
  };
}
