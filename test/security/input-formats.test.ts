// Attacks on an application's input: a template path that leaves the package, an argPattern
// that smuggles placeholders or control characters, a sweep value that would split one argv
// element into two. Each is refused with the field or line named.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from '@hono/zod-openapi';
import { InputSchema, inputRefusal } from '../../api/input-schema.ts';
import { parseSweep } from '../../sweep/index.ts';
import { compileInput, InputFormatError } from '../../sweep/render/index.ts';

/** The body as the applications routes answer it: `input` inside the request body. */
const Body = z.object({ input: InputSchema });
function refusal(input: unknown) {
  const result = Body.safeParse({ input });
  assert.equal(result.success, false, `${JSON.stringify(input)} was accepted`);
  const body = inputRefusal(result.error!);
  assert.ok(body, 'a refusal of input alone answers 422');
  return body.error;
}

describe('the API refuses a bad input with 422 naming the field', () => {
  for (const template of ['../../etc/passwd', '/etc/passwd', 'a/../../b', '.tuplet/command.sh', 'a\0b']) {
    test(`template ${JSON.stringify(template)}`, () => {
      const error = refusal({ format: 'template', template });
      assert.equal(error.code, 'invalid_input');
      assert.equal(error.field, 'input.template');
    });
  }
  for (const argPattern of ['--{name}={value}{evil}', '--{name}', '{value}\n--x', '{', '--{value']) {
    test(`argPattern ${JSON.stringify(argPattern)}`, () => {
      assert.equal(refusal({ format: 'args', argPattern }).field, 'input.argPattern');
    });
  }
  test('an unknown format', () => {
    assert.equal(refusal({ format: 'xml' }).field, 'input.format');
  });
  test('a template input without a template', () => {
    assert.equal(refusal({ format: 'template' }).field, 'input.template');
  });
  test('a good input passes', () => {
    assert.equal(InputSchema.safeParse({ format: 'template', template: 'model/m.tpl' }).success, true);
    assert.equal(InputSchema.safeParse({ format: 'args', argPattern: '-{key}={value}' }).success, true);
  });
});

describe('a value cannot become two argv elements or variables', () => {
  const sweep = parseSweep('[m]\na = 1 "x\0--evil=1"\n');
  for (const format of ['args', 'json'] as const) {
    test(format, () => {
      assert.throws(
        () => compileInput(sweep, { format }, { configFile: 'c' }),
        (error: unknown) =>
          error instanceof InputFormatError && error.line === 2 && /NUL/.test(error.message),
      );
    });
  }
});
