// The `env` field of hosts and applications: variables an admin sets for every run there.
// The rules are the host layer's (hosts/runner/environment.ts), which checks them again.
import { z } from '@hono/zod-openapi';
import {
  MAX_ENV_ENTRIES,
  MAX_ENV_VALUE_LENGTH,
  envNameProblem,
  envValueProblem,
} from '../hosts/runner/environment.ts';

export const runEnvSchema = z
  .record(z.string(), z.string().max(MAX_ENV_VALUE_LENGTH))
  .superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > MAX_ENV_ENTRIES) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_ENV_ENTRIES} variables, got ${names.length}` });
    }
    for (const name of names) {
      const problem = envNameProblem(name) ?? envValueProblem(env[name]!);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .openapi({
    description:
      'Variables every run gets, besides PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ, TMPDIR and TUPLET_*; ' +
      'not for secrets (series and workflow inputs show them). TUPLET_*, SLURM_* and CUDA_VISIBLE_DEVICES are set by Tuplet.',
    example: { OMP_NUM_THREADS: '1' },
  });
