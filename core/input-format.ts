// How an application's runs receive their tuple: the file (or argv) each run is given. The
// sweep file is always the INI language; this names what it is rendered into per run.

/** Every format a run's input can be rendered into. `ini` is the default (the paper's). */
export const INPUT_FORMATS = ['ini', 'json', 'yaml', 'toml', 'namelist', 'args', 'template'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** An application's input declaration (absent: `{ format: 'ini' }`, the config file as before). */
export interface InputSpec {
  format: InputFormat;
  /** File name inside the run directory (defaults to the application's configFile). */
  file?: string;
  /** `template`: path of the template, in the application's or the series' input package. */
  template?: string;
  /** `args`: how one value becomes an argv element; default `--{section}.{key}={value}`. */
  argPattern?: string;
}
