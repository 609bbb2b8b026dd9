// The optional typed schema an application declares for its parameters: what the form shows
// beside the INI editor and what preview and the API check before launch. Values reach this
// check as the sweep wrote them (text, quotes removed): a schema says which texts a program
// accepts, it never converts them.

export const PARAMETER_TYPES = ['int', 'float', 'string', 'bool', 'enum'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterSpec {
  /** `section.key` as written in the sweep file (`key` alone for keys before any section). */
  name: string;
  type: ParameterType;
  /** Inclusive bounds of int and float values. */
  min?: number;
  max?: number;
  /** The allowed values of an enum. */
  values?: string[];
  unit?: string;
  description?: string;
  default?: string | number | boolean;
}

/**
 * Bounds on a schema's size. A schema is copied into every series made from it and checked
 * against every value of every preview, so an admin's typo cannot make it unbounded.
 */
export const PARAMETER_SCHEMA_LIMITS = {
  parameters: 1000,
  enumValues: 1000,
  nameLength: 200,
  valueLength: 200,
  unitLength: 40,
  descriptionLength: 2000,
} as const;

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** What Python's configparser.getboolean accepts: what most programs reading INI take for a bool. */
const BOOLEANS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']);

/**
 * Why `value` does not fit `spec` (`"is not an int"`, `"is above the maximum 1"`), or null when
 * it fits. Enums look their values up in `allowed` when given (a Set built once per spec).
 */
export function valueProblem(
  spec: ParameterSpec,
  value: string,
  allowed?: ReadonlySet<string>,
): string | null {
  switch (spec.type) {
    case 'string':
      return null;
    case 'bool':
      return BOOLEANS.has(value.toLowerCase()) ? null : 'is not a bool (true/false, yes/no, on/off, 1/0)';
    case 'enum':
      return (allowed ?? new Set(spec.values)).has(value) ? null : 'is not one of the allowed values';
    case 'int':
    case 'float': {
      if (!(spec.type === 'int' ? INT : FLOAT).test(value))
        return `is not ${spec.type === 'int' ? 'an int' : 'a float'}`;
      const n = Number(value);
      if (spec.min !== undefined && n < spec.min) return `is below the minimum ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `is above the maximum ${spec.max}`;
      return null;
    }
  }
}

/** The spec's range or choices in words, for messages and the form: `0 … 1`, `one of a, b`. */
export function describeSpec(spec: ParameterSpec): string {
  if (spec.type === 'enum') {
    const shown = (spec.values ?? []).slice(0, 8);
    const more = (spec.values?.length ?? 0) - shown.length;
    return `one of ${shown.join(', ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  }
  if (spec.min === undefined && spec.max === undefined) return spec.type;
  return `${spec.type} ${spec.min ?? '−∞'} … ${spec.max ?? '∞'}`;
}
