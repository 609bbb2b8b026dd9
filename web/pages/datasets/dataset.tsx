// One dataset: its versions (kind, entries, bytes, manifest sha256), the file tree of the
// version shown (the newest unless ?version=N) and the series that used that version.
import type { DatasetUser, DatasetVersionRow, DatasetWithNames } from '../../../db/datasets.ts';
import type { ManifestEntry } from '../../../api/datasets/manifest.ts';
import { StateBadge, ListTable } from '../../components.tsx';
import type { AuthUser } from '../../context.ts';
import { formatBytes, formatTime } from '../../format.ts';
import { Layout } from '../../layout.tsx';
import { versionSize } from './list.tsx';

export interface DatasetPageProps {
  user: AuthUser;
  csrf: string;
  dataset: DatasetWithNames;
  versions: DatasetVersionRow[];
  shown: DatasetVersionRow | null;
  /** The shown upload's first manifest entries; null for a host version. */
  files: ManifestEntry[] | null;
  usedBy: DatasetUser[];
}

export function DatasetPage(props: DatasetPageProps) {
  const { dataset: d, shown } = props;
  const href = `/datasets/${encodeURIComponent(d.name)}`;
  return (
    <Layout title={`Dataset ${d.name}`} user={props.user} csrf={props.csrf} active="datasets">
      <p class="small">
        <a href="/datasets">Datasets</a>
      </p>
      <h1>{d.name}</h1>
      <div class="card">
        <dl class="facts">
          <dt>Description</dt>
          <dd>{d.description || '–'}</dd>
          <dt>Owner</dt>
          <dd>{d.ownerName}</dd>
          <dt>Group</dt>
          <dd>{d.groupName ?? '–'}</dd>
          <dt>Created</dt>
          <dd>{formatTime(d.createdAt)}</dd>
        </dl>
      </div>
      <h2>Versions</h2>
      {props.versions.length === 0 ? (
        <p class="muted" data-empty="versions">
          No version yet: <code>tuplet datasets upload {d.name} FILE</code> adds one.
        </p>
      ) : (
        <VersionTable versions={props.versions} shown={shown} href={href} />
      )}
      {shown ? (
        <>
          <h2>Files of version {shown.version}</h2>
          <FileTree version={shown} files={props.files} />
          <h2>Series that used version {shown.version}</h2>
          <UsedBy usedBy={props.usedBy} />
        </>
      ) : null}
    </Layout>
  );
}

function VersionTable(props: {
  versions: DatasetVersionRow[];
  shown: DatasetVersionRow | null;
  href: string;
}) {
  return (
    <ListTable
      columns={['Version', 'Kind', 'Entries', 'Size or place', 'Manifest sha256', 'Added']}
      marker="versions"
    >
      {props.versions.map((v) => (
        <tr data-version={v.version} aria-current={v.version === props.shown?.version ? 'true' : undefined}>
          <td>
            <a href={`${props.href}?version=${v.version}`}>v{v.version}</a>
          </td>
          <td>{v.kind}</td>
          <td>{v.entries ?? '–'}</td>
          <td>{versionSize(v)}</td>
          <td>
            <code class="small">{v.manifestSha256 ?? '–'}</code>
          </td>
          <td>{formatTime(v.createdAt)}</td>
        </tr>
      ))}
    </ListTable>
  );
}

function FileTree(props: { version: DatasetVersionRow; files: ManifestEntry[] | null }) {
  const { version: v, files } = props;
  if (!files) {
    return (
      <p class="muted">
        A path on host {v.host}: <code>{v.hostPath}</code>. Its files stay there and are linked into each run,
        so they are not listed here.
      </p>
    );
  }
  const more = (v.entries ?? files.length) - files.length;
  return (
    <>
      <ListTable columns={['Path', 'Size', 'sha256']} marker="files">
        {files.map((f) => (
          <tr data-file={f.path}>
            <td class="wrap">
              <code>{f.type === 'directory' ? `${f.path}/` : f.path}</code>
            </td>
            <td>{f.type === 'file' ? formatBytes(f.size) : ''}</td>
            <td>
              <code class="small">{f.sha256 ?? ''}</code>
            </td>
          </tr>
        ))}
      </ListTable>
      {more > 0 ? <p class="muted small">… and {more} more entries.</p> : null}
    </>
  );
}

function UsedBy(props: { usedBy: DatasetUser[] }) {
  if (props.usedBy.length === 0)
    return (
      <p class="muted" data-empty="used-by">
        No series used this version yet.
      </p>
    );
  return (
    <ul data-used-by="">
      {props.usedBy.map((u) => (
        <li data-series={u.seriesId}>
          <a href={`/series/${encodeURIComponent(u.seriesId)}`}>{u.seriesId}</a>{' '}
          <StateBadge state={u.state} /> <span class="muted small">at {u.mountPath}/</span>
        </li>
      ))}
    </ul>
  );
}
