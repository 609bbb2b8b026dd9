// Datasets: the named, versioned inputs the viewer may see (their own, their groups', all for
// admins), with how many versions each has and the newest one's size. Read-only; data goes up
// with `tuplet datasets upload` (docs/datasets.md).
import type { DatasetVersionRow, DatasetWithNames } from '../../../db/datasets.ts';
import type { AuthUser } from '../../context.ts';
import { formatBytes } from '../../format.ts';
import { Layout } from '../../layout.tsx';
import { ListTable } from '../../components.tsx';

export type DatasetListRow = DatasetWithNames & { versions: number; latest: DatasetVersionRow | null };

export function DatasetsPage(props: { user: AuthUser; csrf: string; datasets: DatasetListRow[] }) {
  return (
    <Layout title="Datasets" user={props.user} csrf={props.csrf} active="datasets">
      <h1>Datasets</h1>
      <p class="muted">
        Inputs uploaded once and used by many series, each series naming a dataset and its version. You see
        your own datasets and those of your groups.
      </p>
      {props.datasets.length === 0 ? <NoDatasets /> : <DatasetTable rows={props.datasets} />}
    </Layout>
  );
}

function NoDatasets() {
  return (
    <div class="card empty" data-empty="datasets">
      <h2>No dataset yet</h2>
      <p>Create one and upload its first version (a zip, tar or tar.gz, checked as input packages are):</p>
      <pre>
        <code>
          {
            'tuplet datasets create cells --group my-group --description "cell counts"\ntuplet datasets upload cells cells.zip'
          }
        </code>
      </pre>
      <p class="muted small">
        A series then names it with{' '}
        <code>
          datasets: [{'{'}name, version{'}'}]
        </code>
        ; its files appear in every run under <code>inputs/cells/</code>. See{' '}
        <code>tuplet datasets --help</code>.
      </p>
    </div>
  );
}

/** An upload's size; a host version's place (its size is on the host). */
export function versionSize(v: DatasetVersionRow): string {
  return v.kind === 'upload' ? formatBytes(v.bytes ?? 0) : `${v.host}:${v.hostPath}`;
}

function DatasetTable(props: { rows: DatasetListRow[] }) {
  return (
    <ListTable columns={['Name', 'Description', 'Owner', 'Group', 'Versions', 'Latest']}>
      {props.rows.map((d) => (
        <tr data-dataset={d.name}>
          <td>
            <a href={`/datasets/${encodeURIComponent(d.name)}`}>{d.name}</a>
          </td>
          <td class="wrap">{d.description}</td>
          <td>{d.ownerName}</td>
          <td>{d.groupName ?? '–'}</td>
          <td>{d.versions}</td>
          <td>{d.latest ? `v${d.latest.version}: ${versionSize(d.latest)}` : 'no version yet'}</td>
        </tr>
      ))}
    </ListTable>
  );
}
