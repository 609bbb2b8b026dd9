// Applications' typed parameter schema over the API: admins declare it (the schema itself is
// validated: 422 naming the field), preview reports what it says of a sweep, and series
// creation refuses values it does not allow (422 naming line and key) before storing anything.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { series } from '../../db/schema.ts';
import type { SuiteContext } from './harness.ts';

const SCHEMA = [
  { name: 'model.rate', type: 'float', min: 0, max: 1, unit: '1/s', description: 'decay rate' },
  { name: 'model.size', type: 'int', min: 1, max: 64 },
  { name: 'model.method', type: 'enum', values: ['euler', 'rk4'], default: 'rk4' },
];
const GOOD = '[model]\nsize = 8 16\nrate = 0.1...0.1...0.3\nmethod = rk4\n';
const BAD = '[model]\nsize = 8 16 128\nrate = 0.5\nmethod = rk4\n';

export function parameterSchemaTests(ctx: SuiteContext): void {
  describe('parameter schema', () => {
    const app = `schema-${Math.random().toString(36).slice(2, 8)}`;
    const register = (name: string, parameters: unknown) =>
      ctx.h.request('POST', '/api/v1/applications', {
        token: ctx.h.admin.token,
        body: { name, command: 'cat config.ini', parameters },
      });

    test('an admin declares a schema; everyone reads it; [] and null mean none', async () => {
      const { h } = ctx;
      const created = await register(app, SCHEMA);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.parameters, SCHEMA);
      const read = await h.request('GET', `/api/v1/applications/${app}`);
      assert.deepEqual(read.body.parameters, SCHEMA);
      const byMember = await h.request('PATCH', `/api/v1/applications/${app}`, {
        body: { parameters: null },
      });
      assert.equal(byMember.status, 403);

      const other = `${app}-b`;
      assert.equal((await register(other, [])).body.parameters, null);
      const set = await h.request('PATCH', `/api/v1/applications/${other}`, {
        token: h.admin.token,
        body: { parameters: SCHEMA.slice(0, 1) },
      });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.parameters.length, 1);
      const cleared = await h.request('PATCH', `/api/v1/applications/${other}`, {
        token: h.admin.token,
        body: { parameters: null },
      });
      assert.equal(cleared.body.parameters, null);
    });

    // The attacks on the schema itself: each is refused with 422 and the field named.
    const refusals: Array<[string, unknown, string]> = [
      ['min above max', [{ name: 'a', type: 'float', min: 5, max: 1 }], 'parameters.0.max'],
      ['a non-numeric min', [{ name: 'a', type: 'int', min: '5' }], 'parameters.0.min'],
      ['a fractional bound of an int', [{ name: 'a', type: 'int', max: 2.5 }], 'parameters.0.max'],
      ['an enum without values', [{ name: 'a', type: 'enum' }], 'parameters.0.values'],
      ['an enum with an empty list', [{ name: 'a', type: 'enum', values: [] }], 'parameters.0.values'],
      [
        '10,000 enum values',
        [{ name: 'a', type: 'enum', values: Array.from({ length: 10_000 }, (_, i) => `v${i}`) }],
        'parameters.0.values',
      ],
      ['repeated enum values', [{ name: 'a', type: 'enum', values: ['x', 'x'] }], 'parameters.0.values'],
      ['bounds on a string', [{ name: 'a', type: 'string', min: 0 }], 'parameters.0.min'],
      ['an unknown type', [{ name: 'a', type: 'complex' }], 'parameters.0.type'],
      ['a default out of range', [{ name: 'a', type: 'int', max: 3, default: 9 }], 'parameters.0.default'],
      ['a name with a newline', [{ name: 'a\nb', type: 'string' }], 'parameters.0.name'],
      ['an unknown field', [{ name: 'a', type: 'string', eval: '1+1' }], 'parameters.0'],
      [
        'a name described twice',
        [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'int' },
        ],
        'parameters.1.name',
      ],
      [
        '1,001 parameters',
        Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, type: 'string' })),
        'parameters',
      ],
    ];
    for (const [what, parameters, field] of refusals) {
      test(`a schema with ${what} is refused (422, ${field})`, async () => {
        const answer = await register(`${app}-bad`, parameters);
        assert.equal(answer.status, 422, answer.text);
        assert.equal(answer.body.error.code, 'invalid_parameters');
        assert.equal(answer.body.error.field, field);
        const patched = await ctx.h.request('PATCH', `/api/v1/applications/${app}`, {
          token: ctx.h.admin.token,
          body: { parameters },
        });
        assert.equal(patched.status, 422, patched.text);
      });
    }

    test('absurd ranges: bounds beyond a double (1e400) are refused; huge finite ones are kept', async () => {
      const { h } = ctx;
      const beyond = await h.request('POST', '/api/v1/applications', {
        token: h.admin.token,
        body: `{"name":"${app}-inf","command":"true","parameters":[{"name":"a","type":"float","min":-1e400}]}`,
      });
      assert.equal(beyond.status, 422, beyond.text);
      assert.equal(beyond.body.error.field, 'parameters.0.min');
      const huge = await register(`${app}-huge`, [{ name: 'a', type: 'float', min: -1e308, max: 1e308 }]);
      assert.equal(huge.status, 201, huge.text);
    });

    test('a bad command with a bad schema is the usual 400, naming both', async () => {
      const answer = await ctx.h.request('POST', '/api/v1/applications', {
        token: ctx.h.admin.token,
        body: { name: `${app}-x`, command: '', parameters: [{ name: 'a', type: 'enum' }] },
      });
      assert.equal(answer.status, 400, answer.text);
      assert.match(answer.body.error.message, /command/);
      assert.match(answer.body.error.message, /parameters\.0\.values/);
    });

    test('preview with the application lists bad values by line and key, and unknown keys', async () => {
      const { h } = ctx;
      const answer = await h.request('POST', '/api/v1/sweeps/preview', {
        body: { ini: `${BAD}[output]\nevery = 10\n`, application: app },
      });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.count, 3);
      assert.deepEqual(
        answer.body.schema.errors.map((e: { line: number; key: string }) => [e.line, e.key]),
        [[2, 'model.size']],
      );
      assert.match(answer.body.schema.errors[0].message, /"128" is above the maximum 64/);
      assert.deepEqual(
        answer.body.schema.warnings.map((e: { line: number; key: string }) => [e.line, e.key]),
        [[6, 'output.every']],
      );
      const without = await h.request('POST', '/api/v1/sweeps/preview', { body: { ini: BAD } });
      assert.equal(without.body.schema, undefined);
      const unknown = await h.request('POST', '/api/v1/sweeps/preview', {
        body: { ini: GOOD, application: `${app}-none` },
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error.field, 'application');
    });

    test('a series with a value the schema refuses is a 422 naming line and key; nothing is stored', async () => {
      const { h } = ctx;
      const before = await h.rowCounts();
      const answer = await h.request('POST', '/api/v1/series', {
        body: { application: app, host: 'local', ini: BAD },
      });
      assert.equal(answer.status, 422, answer.text);
      assert.equal(answer.body.error.code, 'invalid_parameter_value');
      assert.equal(answer.body.error.line, 2);
      assert.equal(answer.body.error.key, 'model.size');
      assert.match(answer.body.error.message, /^line 2: model\.size has 1 of 3 values/);
      const wrongType = await h.request('POST', '/api/v1/series', {
        body: { application: app, host: 'local', ini: '[model]\nsize = 8\nrate = slow fast\n' },
      });
      assert.equal(wrongType.status, 422);
      assert.equal(wrongType.body.error.line, 3);
      assert.match(wrongType.body.error.message, /"slow" is not a float/);
      assert.deepEqual(await h.rowCounts(), before);
    });

    test('a series within the schema starts, unknown keys allowed, with the schema in its snapshot', async () => {
      const { h } = ctx;
      const answer = await h.request('POST', '/api/v1/series', {
        body: { application: app, host: 'local', ini: `${GOOD}extra = 1\n` },
      });
      assert.equal(answer.status, 201, answer.text);
      const [row] = await h.db.select().from(series).where(eq(series.id, answer.body.id));
      assert.deepEqual(row!.applicationSnapshot.parameters, SCHEMA);
      await h.request('POST', `/api/v1/series/${answer.body.id}/cancel`);
    });
  });
}
