// What a series may ask of its host's scheduler, checked whenever a series is created (POST
// /series and every clone, whose resources may be an older series' and never passed today's
// schema): extra `#SBATCH` directives only from the allowlist (hosts/slurm/directives.ts),
// `account` and `qos` only from what an admin allowed on the host for this user.
//
// Admins are trusted but held to the same lists: they may choose any entry the host lists,
// including entries meant for named users only; to use another account or QOS an admin adds
// it to the host first, so what a series may charge is always written on its host.
import type { AllowedChoice } from '../../db/hosts.ts';
import { HostInputError } from '../../hosts/errors.ts';
import type { Resources } from '../../hosts/executor.ts';
import { parseExtraDirective } from '../../hosts/slurm/directives.ts';
import { isAdmin } from '../auth.ts';
import type { AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';

/** What the check needs of a host. */
export interface HostChoices {
  name: string;
  accounts: readonly AllowedChoice[];
  qos: readonly AllowedChoice[];
}

/** The names in a host's list this user may choose: everyone's, those naming the user; admins every one. */
export function choicesFor(list: readonly AllowedChoice[], user: AuthUser): string[] {
  return list
    .filter((choice) => isAdmin(user) || choice.users === undefined || choice.users.includes(user.name))
    .map((choice) => choice.name);
}

/** Throws a 400 naming the directive or a 422 naming the field and what the user may choose. */
export function checkResources(resources: Resources, host: HostChoices, user: AuthUser): void {
  (resources.extra ?? []).forEach((directive, i) => {
    try {
      parseExtraDirective(directive);
    } catch (error) {
      if (!(error instanceof HostInputError)) throw error;
      const field = `resources.extra.${i}`;
      throw new ApiError(400, 'invalid_request', `${field}: ${error.message}`, { field });
    }
  });
  const lists = { account: host.accounts, qos: host.qos };
  for (const option of ['account', 'qos'] as const) {
    const value = resources[option];
    if (value === undefined || value === '') continue;
    const allowed = choicesFor(lists[option], user);
    if (allowed.includes(value)) continue;
    const field = `resources.${option}`;
    const choose =
      allowed.length > 0 ? `choose one of ${allowed.join(', ')}` : 'it allows none: leave it empty';
    throw new ApiError(
      422,
      'not_allowed',
      `${field}: '${value}' is not allowed on host '${host.name}' for ${user.name}; ${choose}`,
      { field, allowed },
    );
  }
}
