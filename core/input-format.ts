// How an application's runs receive their tuple: the file (or argv) each run is given. The
// sweep file is always the INI language; this names what it is rendered into per run
// (sweep/render/, docs/input-formats.md).

/** Every format a run's input can be rendered into. `ini` is the default (the paper's). */
export const INPUT_FORMATS = ['ini', 'json', 'yaml', 'toml', 'namelist', 'args', 'template'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** An application's input declaration (absent: `{ format: 'ini' }`, the config file as before). */
export interface InputSpec {
  format: InputFormat;
  /** File name inside the run directory (defaults to the application's configFile). */
  file?: string;
  /**
   * `template`: path of the template, relative: looked up in the series' input package
   * first, else the application's own `templateText`.
   */
  template?: string;
  /** `template`: the application's template (set by an admin; frozen in each series' snapshot). */
  templateText?: string;
  /**
   * `args`: how one key becomes one argv element; placeholders {section}, {key}, {name}
   * (`section.key`) and {value}; default `--{name}={value}`, i.e. `--section.key=value`.
   */
  argPattern?: string;
}

/**
 * Per-run files of a declared input, relative to the run directory, NUL-terminated elements:
 * `NAME=value` of every key (TUPLET_P_SECTION_KEY), and for `args` the command's extra
 * arguments. The runner and the SLURM job script read them; absent, nothing is added.
 */
export const RUN_ENV_FILE = '.tuplet/env';
export const RUN_ARGV_FILE = '.tuplet/argv';
