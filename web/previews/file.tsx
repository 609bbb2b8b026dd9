// Previews of a run's files by kind: images inline, CSV as a table and a plot, JSON
// pretty-printed, NetCDF as its header, text as its beginning. Only the first bytes of a
// file are read, whatever its size.
import path from 'node:path';
import { readSlice, seriesFilePath } from '../data/storage.ts';
import { formatBytes } from '../format.ts';
import { parseCsv, plotOf, type PlotData } from './csv.ts';
import { looksLikeNetCdf, parseNetCdfHeader, type NcAttribute, type NcHeader } from './netcdf.ts';
import { LinePlot } from './plot.tsx';

const IMAGE = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg', '.bmp']);
const TEXT_BYTES = 32 * 1024;
const NETCDF_BYTES = 256 * 1024;
const CSV_BYTES = 256 * 1024;
const JSON_BYTES = 256 * 1024;

export type Preview =
  | { kind: 'image' }
  | { kind: 'text'; text: string; partial: boolean }
  | { kind: 'json'; text: string }
  | { kind: 'csv'; rows: string[][]; plot: PlotData | undefined; partial: boolean }
  | { kind: 'netcdf'; header: NcHeader }
  | { kind: 'none'; message: string };

export async function loadPreview(storageDir: string, seriesId: string, relative: string): Promise<Preview> {
  const file = seriesFilePath(storageDir, seriesId, relative);
  if (!file) return { kind: 'none', message: 'not a path inside the series storage' };
  const ext = path.extname(relative).toLowerCase();
  if (IMAGE.has(ext)) return { kind: 'image' };
  const max =
    ext === '.nc' || ext === '.cdf'
      ? NETCDF_BYTES
      : ext === '.csv' || ext === '.tsv'
        ? CSV_BYTES
        : ext === '.json'
          ? JSON_BYTES
          : TEXT_BYTES;
  const slice = await readSlice(file, max);
  if (!slice) return { kind: 'none', message: 'not collected (yet)' };
  if (looksLikeNetCdf(slice.bytes)) {
    try {
      return { kind: 'netcdf', header: parseNetCdfHeader(slice.bytes) };
    } catch (error) {
      return { kind: 'none', message: (error as Error).message };
    }
  }
  if (ext === '.nc' && slice.bytes.subarray(1, 4).toString('latin1') === 'HDF') {
    return { kind: 'none', message: 'NetCDF-4 (HDF5) file: download it to read it' };
  }
  if (slice.bytes.includes(0)) return { kind: 'none', message: 'binary file' };
  const text = slice.bytes.toString('utf8');
  if (ext === '.json' && !slice.partial) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      // not valid JSON: shown as text below
    }
  }
  if (ext === '.csv' || ext === '.tsv') {
    const rows = parseCsv(slice.partial ? text.slice(0, text.lastIndexOf('\n') + 1) : text);
    return { kind: 'csv', rows, plot: plotOf(rows), partial: slice.partial };
  }
  return { kind: 'text', text, partial: slice.partial };
}

export function FilePreview(props: { preview: Preview; url: string; name: string; size: number }) {
  const { preview } = props;
  switch (preview.kind) {
    case 'image':
      return <img src={props.url} alt={props.name} loading="lazy" />;
    case 'json':
      return <pre>{preview.text}</pre>;
    case 'text':
      return (
        <>
          <pre>{preview.text}</pre>
          {preview.partial ? (
            <p class="muted small">
              First {formatBytes(TEXT_BYTES)} of {formatBytes(props.size)}.
            </p>
          ) : null}
        </>
      );
    case 'csv':
      return (
        <>
          {preview.plot ? <LinePlot data={preview.plot} title={`Plot of ${props.name}`} /> : null}
          <div class="table-wrap" style="max-height:20rem;overflow:auto">
            <table>
              <tbody>
                {preview.rows.slice(0, 51).map((row, i) =>
                  i === 0 ? (
                    <tr>
                      {row.map((c) => (
                        <th>{c}</th>
                      ))}
                    </tr>
                  ) : (
                    <tr>
                      {row.map((c) => (
                        <td class="num">{c}</td>
                      ))}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
          {preview.rows.length > 51 || preview.partial ? (
            <p class="muted small">First 50 rows shown.</p>
          ) : null}
        </>
      );
    case 'netcdf':
      return <NetCdfHeaderView header={preview.header} />;
    case 'none':
      return <p class="muted small">{preview.message}</p>;
  }
}

function attributeText(a: NcAttribute): string {
  return typeof a.value === 'string' ? JSON.stringify(a.value) : a.value.join(', ');
}

function NetCdfHeaderView(props: { header: NcHeader }) {
  const h = props.header;
  return (
    <div class="netcdf">
      <p class="muted small">
        NetCDF {h.version === 1 ? 'classic' : h.version === 2 ? '64-bit offset' : '64-bit data (CDF-5)'} ·{' '}
        {h.numRecords === 'streaming' ? 'streaming' : `${h.numRecords} records`}
      </p>
      <h4>Dimensions</h4>
      <ul>
        {h.dimensions.map((d) => (
          <li>
            <code>{d.name}</code> = {d.unlimited ? `UNLIMITED (${d.length} currently)` : d.length}
          </li>
        ))}
      </ul>
      <h4>Variables</h4>
      <ul>
        {h.variables.map((v) => (
          <li>
            <code>{`${v.type} ${v.name}(${v.dimensions.join(', ')})`}</code>
            {v.attributes.length ? (
              <ul>
                {v.attributes.map((a) => (
                  <li>
                    <code>{a.name}</code> = {attributeText(a)}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      {h.attributes.length ? (
        <>
          <h4>Global attributes</h4>
          <ul>
            {h.attributes.map((a) => (
              <li>
                <code>{a.name}</code> = {attributeText(a)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
