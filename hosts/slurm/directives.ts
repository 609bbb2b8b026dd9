// The `#SBATCH` options a member may add to a series (`resources.extra`), in one place, and
// the one reader of such a line. An allowlist by whole option name: sbatch also takes any
// unambiguous prefix (`--outp=` is --output) and short letters (`-o`), and options such as
// --export run code as the cluster account (`BASH_ENV=$(…)`), so whatever is not named
// here is refused — by the API when a series is created and again when its script is
// rendered. Every value has a form of its own without spaces, quotes or shell characters,
// and a directive is written back as `--name=value` (never as typed), so what sbatch reads
// is exactly what was checked.
import { HostInputError } from '../errors.ts';

interface ExtraOption {
  /** The letter of sbatch's short form (`-C a100`), when it has one. */
  short?: string;
  /** `required`: --name=value or --name value; `optional`: --name or --name=value; `none`: --name. */
  takes: 'required' | 'optional' | 'none';
  /** The whole value must match (anchored). */
  value?: RegExp;
  /** The value's form in words, for the error. */
  form?: string;
}

const COUNT = /^[1-9][0-9]{0,5}$/;
const MEMORY = /^[1-9][0-9]{0,8}[KMGT]?$/i;

/** What members may add. Changing what Tuplet relies on (name, array, output…) is not here. */
export const EXTRA_OPTIONS: ReadonlyMap<string, ExtraOption> = new Map<string, ExtraOption>([
  [
    'constraint',
    {
      short: 'C',
      takes: 'required',
      value: /^[A-Za-z0-9_.,&|*[\]()-]{1,150}$/,
      form: 'node features joined by & | , with [ ] ( ) *, e.g. a100&ib',
    },
  ],
  ['exclusive', { takes: 'optional', value: /^(user|mcs)$/, form: 'nothing, user or mcs' }],
  [
    'nodes',
    { short: 'N', takes: 'required', value: /^[1-9][0-9]{0,4}(-[1-9][0-9]{0,4})?$/, form: 'N or MIN-MAX' },
  ],
  ['ntasks', { short: 'n', takes: 'required', value: COUNT, form: 'a positive integer' }],
  ['ntasks-per-node', { takes: 'required', value: COUNT, form: 'a positive integer' }],
  ['mem-per-cpu', { takes: 'required', value: MEMORY, form: 'a number with an optional unit K, M, G or T' }],
  [
    'hint',
    {
      takes: 'required',
      value: /^(compute_bound|memory_bound|multithread|nomultithread)$/,
      form: 'compute_bound, memory_bound, multithread or nomultithread',
    },
  ],
  [
    'licenses',
    {
      short: 'L',
      takes: 'required',
      value: /^[A-Za-z0-9_.@-]{1,64}(:[0-9]{1,6})?(,[A-Za-z0-9_.@-]{1,64}(:[0-9]{1,6})?){0,15}$/,
      form: 'NAME[:COUNT] separated by commas',
    },
  ],
]);

const BY_SHORT = new Map([...EXTRA_OPTIONS].flatMap(([name, o]) => (o.short ? [[o.short, name]] : [])));

/** Options that have a field of their own: the refusal says which (account and qos are checked per host). */
const FIELD_OF = new Map([
  ['partition', 'partition'],
  ['p', 'partition'],
  ['time', 'time'],
  ['t', 'time'],
  ['cpus-per-task', 'cpus'],
  ['c', 'cpus'],
  ['mem', 'memory'],
  ['gres', 'gpus'],
  ['gpus', 'gpus'],
  ['G', 'gpus'],
  ['account', 'account'],
  ['A', 'account'],
  ['qos', 'qos'],
  ['q', 'qos'],
]);

/** `--constraint (-C), --exclusive, …`: the allowlist as a refusal lists it. */
export function allowedExtraOptions(): string {
  return [...EXTRA_OPTIONS]
    .map(([name, o]) => (o.short ? `--${name} (-${o.short})` : `--${name}`))
    .join(', ');
}

export interface ExtraDirective {
  /** The option's full name, from EXTRA_OPTIONS. */
  name: string;
  value?: string;
}

/**
 * Reads one extra directive — `--name=value`, `--name value`, `-Xvalue`, `-X value` or
 * `--flag`, optionally after `#SBATCH` — or throws a HostInputError naming the option.
 */
export function parseExtraDirective(raw: string): ExtraDirective {
  const bad = (why: string) => new HostInputError(`extra directive ${JSON.stringify(raw)}: ${why}`);
  const text = raw.trim().replace(/^#SBATCH\s+/, '');
  if (text === '') throw bad('empty');
  if (text.length > 200) throw bad('longer than 200 characters');
  if (/\p{Cc}/u.test(text)) throw bad('must be one line of printable characters');
  const words = text.split(/\s+/);
  const head = /^(?:--([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?|-([A-Za-z])(.*))$/s.exec(words[0]!);
  if (!head) throw bad('must be an sbatch option such as --constraint=a100');
  const [, long, longValue, letter, letterValue] = head;
  const typed = long !== undefined ? `--${long}` : `-${letter}`;
  const name = long ?? BY_SHORT.get(letter!);
  const option = name === undefined ? undefined : EXTRA_OPTIONS.get(name);
  if (name === undefined || option === undefined) {
    const field = FIELD_OF.get(long ?? letter!);
    throw bad(
      field
        ? `${typed} is chosen with resources.${field}, not as an extra directive`
        : `${typed} is not an option members may add (whole names only: ${allowedExtraOptions()})`,
    );
  }
  let value = long !== undefined ? longValue : letterValue === '' ? undefined : letterValue;
  const rest = words.slice(1);
  // A separate value word only for options that require one (as sbatch's getopt reads them).
  if (value === undefined && option.takes === 'required' && rest.length > 0) value = rest.shift();
  if (rest.length > 0) throw bad(`one option per directive; ${JSON.stringify(rest.join(' '))} is more`);
  if (option.takes === 'none' && value !== undefined) throw bad(`--${name} takes no value`);
  if (option.takes === 'required' && (value === undefined || value === ''))
    throw bad(`--${name} needs a value`);
  if (value !== undefined && option.value && !option.value.test(value)) {
    throw bad(`--${name}: ${JSON.stringify(value)} is not ${option.form ?? 'a valid value'}`);
  }
  return value === undefined ? { name } : { name, value };
}

/** The directive as Tuplet writes it: `--name=value` or `--name`, from the checked parts only. */
export function extraDirectiveLine(raw: string): string {
  const { name, value } = parseExtraDirective(raw);
  return value === undefined ? `--${name}` : `--${name}=${value}`;
}
