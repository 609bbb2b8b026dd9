// A template input and sweeps around it, for the tests of template checks before launch (the
// preview with a package, the form): one the template fits, one varying a parameter it never
// uses (sweep line 4), one missing a key it names (template line 3).
export const TEMPLATE = '# model\ndefine K {{m.k}}\ndefine N {{m.n}}\n';
export const FITS = '[m]\nk = 1 2\nn = 10\n';
/** `m.dt` is varied but the template never says {{m.dt}}. */
export const UNUSED = '[m]\nk = 1 2\nn = 10\ndt = 0.1 0.2\n';
/** The template's `{{m.n}}` (line 3) names no key of this sweep. */
export const MISSING = '[m]\nk = 1 2\n';
