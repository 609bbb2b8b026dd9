// What env and args share: each value becomes one NUL-terminated element of a per-run file
// (`.tuplet/env`, `.tuplet/argv`) that the runner and the job script read back element by
// element, never as shell text. A NUL inside a value would split one element into two.
import { InputFormatError } from './errors.ts';
import type { SweepKey } from './keys.ts';

/** What every run's elements together may weigh: well under the kernel's limit on argv + environment. */
export const MAX_ELEMENT_BYTES = 256 * 1024;

const utf8 = new TextEncoder();
const bytesOf = (text: string) => utf8.encode(text).length;

export function checkElementValues(keys: readonly SweepKey[], what: string): void {
  let longest = 0;
  for (const key of keys) {
    if (key.name.includes('\0')) {
      throw new InputFormatError(`the key name ${JSON.stringify(key.name)} holds a NUL character`, {
        line: key.line,
      });
    }
    let widest = 0;
    for (const value of key.values) {
      if (value.includes('\0')) {
        throw new InputFormatError(
          `a value of ${key.name} holds a NUL character, which ${what} cannot carry`,
          {
            line: key.line,
          },
        );
      }
      widest = Math.max(widest, bytesOf(value));
    }
    longest += widest + bytesOf(key.name) + 16;
  }
  if (longest > MAX_ELEMENT_BYTES) {
    throw new InputFormatError(
      `the sweep's values would make ${what} of up to ${longest} bytes per run, more than ${MAX_ELEMENT_BYTES}`,
    );
  }
}
