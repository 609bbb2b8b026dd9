// Bring your own code (docs/own-code.md): an application of kind `own-code` runs the program
// its series' package carries, so it is for members of groups an admin trusted with it
// (`groups.ownCode`) — and for admins. Checked where a series comes to exist (create, clone)
// and where the form previews one; the package's program and requirements are read here once
// and the series keeps the result in its application snapshot.
import { createHash } from 'node:crypto';
import { findApplication, type ApplicationRow, type ApplicationSnapshot } from '../db/applications.ts';
import type { Database } from '../db/client.ts';
import { listGroupsOf } from '../db/groups.ts';
import { ownCodeCommand } from '../hosts/own-code.ts';
import { PackageError } from '../hosts/errors.ts';
import { isAdmin } from './auth.ts';
import type { AuthUser } from './context.ts';
import { ApiError } from './errors.ts';
import { readOwnCodePackage } from './own-code-package.ts';
import { seriesGroupOf, type SeriesGroupChoice } from './series/group.ts';

export const OWN_CODE = 'own-code';

/** 403 unless the user may run their own code in a series of `groupId` (admins always may). */
export async function refuseOwnCodeUnlessEnabled(
  db: Database,
  user: AuthUser,
  groupId: string | null,
  app: Pick<ApplicationRow, 'name' | 'kind'>,
): Promise<void> {
  if (app.kind !== OWN_CODE || isAdmin(user)) return;
  const group = groupId ? (await listGroupsOf(db, user.id)).find((g) => g.id === groupId) : undefined;
  if (group?.ownCode) return;
  const why = group
    ? `group '${group.name}' does not let its members run their own code (an admin enables ownCode)`
    : 'the series belongs to no group whose members may run their own code';
  throw new ApiError(
    403,
    'own_code_not_enabled',
    `application '${app.name}' runs the package's own code: ${why}`,
    {
      field: 'application',
    },
  );
}

/** The preview's share: an own-code application is previewed only by whom may launch it. */
export async function refuseOwnCodeAtPreview(
  db: Database,
  user: AuthUser,
  application: string,
  choice: SeriesGroupChoice,
): Promise<void> {
  if (isAdmin(user)) return;
  const app = await findApplication(db, application);
  if (app?.kind !== OWN_CODE) return;
  const { groupId } = await seriesGroupOf(db, user, choice);
  await refuseOwnCodeUnlessEnabled(db, user, groupId, app);
}

/** The cache key of the series' environment: never shared between groups (or owners without one). */
function envKeyOf(scope: string, python: string, requirements: string[]): string {
  return createHash('sha256')
    .update(['tuplet-own-code-v1', scope, python, ...requirements].join('\n'))
    .digest('hex');
}

/**
 * The snapshot of an own-code series: the command its runs execute and what its setup builds,
 * from the package (`withPackage` lends its file). 422 when there is no package or it lacks
 * a program; the refusals of own-code-package.ts name file and line.
 */
export async function ownCodeSnapshot(
  app: Pick<ApplicationRow, 'name' | 'configFile'>,
  owner: { id: string; groupId: string | null },
  hasPackage: boolean,
  withPackage: <T>(use: (file: string | undefined) => Promise<T>) => Promise<T>,
): Promise<Pick<ApplicationSnapshot, 'command' | 'ownCode'>> {
  if (!hasPackage) {
    throw new ApiError(
      422,
      'invalid_own_code',
      `application '${app.name}' runs the package's own code: give a package (code.py and requirements.txt)`,
      { field: 'package' },
    );
  }
  const pkg = await withPackage(async (file) => {
    try {
      return await readOwnCodePackage(file!);
    } catch (error) {
      if (error instanceof PackageError)
        throw new ApiError(422, 'invalid_own_code', error.message, { field: 'package' });
      throw error;
    }
  });
  const scope = owner.groupId ? `group:${owner.groupId}` : `user:${owner.id}`;
  return {
    command: ownCodeCommand(app.configFile, pkg.command),
    ownCode: {
      envKey: envKeyOf(scope, pkg.python, pkg.requirements),
      python: pkg.python,
      requirements: pkg.requirements,
    },
  };
}
