// The optional typed schema an application declares for its parameters: what the form shows
// beside the INI editor and what preview and the API check before launch.

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
