// A sweep against its application's parameter schema: every value each key takes — all the
// values of a varied parameter, never the product of them — checked for type, range and
// enum membership. Bad values are errors naming line and key; keys the schema does not know
// are warnings (a program may read more than its schema describes).
import { describeSpec, valueProblem, type ParameterSpec } from '../core/parameter-schema.ts';
import { excerpt } from './errors.ts';
import type { Sweep } from './parse.ts';

export interface SchemaIssue {
  line: number;
  /** The parameter's name, `section.key` (or `key`). */
  key: string;
  message: string;
}

export interface SchemaCheck {
  errors: SchemaIssue[];
  warnings: SchemaIssue[];
}

/** Bad values quoted per key: enough to see the mistake, bounded for a 10⁶-value range. */
const EXAMPLES = 3;

export function checkSweepAgainstSchema(sweep: Sweep, schema: readonly ParameterSpec[]): SchemaCheck {
  const specs = new Map(schema.map((spec) => [spec.name, spec]));
  const keys = [
    ...sweep.parameters.map((p) => ({ name: p.name, line: p.line, values: p.values })),
    ...sweep.constants.map((c) => ({ name: c.name, line: c.line, values: [c.value] })),
  ].sort((a, b) => a.line - b.line);

  const result: SchemaCheck = { errors: [], warnings: [] };
  for (const { name, line, values } of keys) {
    const spec = specs.get(name);
    if (!spec) {
      result.warnings.push({
        line,
        key: name,
        message: `line ${line}: ${name} is not in the application's parameter schema`,
      });
      continue;
    }
    const message = badValuesMessage(spec, values);
    if (message) result.errors.push({ line, key: name, message: `line ${line}: ${name} ${message}` });
  }
  return result;
}

function badValuesMessage(spec: ParameterSpec, values: readonly string[]): string | null {
  const allowed = spec.type === 'enum' ? new Set(spec.values) : undefined;
  const bad: string[] = [];
  let count = 0;
  for (const value of values) {
    const problem = valueProblem(spec, value, allowed);
    if (problem === null) continue;
    count += 1;
    if (bad.length < EXAMPLES) bad.push(`${quote(value)} ${problem}`);
  }
  if (count === 0) return null;
  const expected = `expected ${describeSpec(spec)}`;
  if (values.length === 1) return `= ${bad[0]} (${expected})`;
  const more = count > bad.length ? `, and ${count - bad.length} more` : '';
  return `has ${count} of ${values.length} values that do not fit (${expected}): ${bad.join('; ')}${more}`;
}

/** Values are user text: shown quoted and cut, so a long or empty one is still readable. */
const quote = (value: string) => JSON.stringify(excerpt(value));
