// Previews of a run's files by kind: images inline, CSV as a table and a plot, JSON
// pretty-printed, NetCDF (classic and NetCDF-4) as its header and a plot of a variable (netcdf-*.ts),
// text as its beginning. Runs write these files, so
// each preview has a budget: it reads at most a few hundred KiB of the file, whatever its
// size, through the same confinement as downloads, and gives up past a deadline (budget.ts);
// the page then says why ("preview too large", "took too long") instead of waiting.
import path from 'node:path';
import { formatBytes } from '../format.ts';
import { isImage } from '../../files/content-type.ts';
import type { Storage } from '../../files/storage/index.ts';
import { isRefused, readSeriesSlice } from '../data/storage.ts';
import { deadlineIn, PreviewLimitError, type Deadline } from './budget.ts';
import { CSV_MAX_COLUMNS, parseCsv, plotOf, type PlotData } from './csv.ts';
import {
  looksLikeNetCdf,
  NetCdfError,
  parseNetCdfHeader,
  type NcAttribute,
  type NcHeader,
} from './netcdf.ts';
import { LinePlot } from './plot.tsx';
import { looksLikeHdf5 } from './hdf5.ts';
import { isHdf5Name, netCdfData, NETCDF_MS, type NetCdfData } from './netcdf-preview.ts';
import type { SliceChoice } from './netcdf-slice.ts';
import { NetCdfDataView } from './netcdf-view.tsx';

const TEXT_BYTES = 32 * 1024;
const NETCDF_BYTES = 256 * 1024;
const CSV_BYTES = 256 * 1024;
const JSON_BYTES = 256 * 1024;
/** Time one preview may take, reading included. */
export const PREVIEW_MS = 2000;

export type Preview =
  | { kind: 'image' }
  | { kind: 'text'; text: string; partial: boolean }
  | { kind: 'json'; text: string }
  | { kind: 'csv'; rows: string[][]; plot: PlotData | undefined; partial: boolean }
  | { kind: 'netcdf'; header?: NcHeader; data: NetCdfData }
  | { kind: 'none'; message: string };

const none = (message: string): Preview => ({ kind: 'none', message });

function bytesToRead(ext: string): number {
  if (ext === '.nc' || ext === '.cdf') return NETCDF_BYTES;
  if (ext === '.csv' || ext === '.tsv') return CSV_BYTES;
  if (ext === '.json') return JSON_BYTES;
  return TEXT_BYTES;
}

/**
 * The preview of a series' file; never throws for what the file holds, and ends by the deadline
 * (by default PREVIEW_MS, NETCDF_MS for a NetCDF file's plot). `netcdf` chooses what a NetCDF
 * file's plot shows (netcdf-preview.ts netCdfChoice).
 */
export async function loadPreview(
  storageDir: Storage | string,
  seriesId: string,
  relative: string,
  deadline?: Deadline,
  netcdf: SliceChoice = { at: {} },
): Promise<Preview> {
  try {
    return await previewOf(storageDir, seriesId, relative, deadline ?? deadlineIn(PREVIEW_MS), {
      choice: netcdf,
      deadline: deadline ?? deadlineIn(NETCDF_MS),
    });
  } catch (error) {
    if (error instanceof PreviewLimitError) return none(error.message);
    throw error;
  }
}

async function previewOf(
  storageDir: Storage | string,
  seriesId: string,
  relative: string,
  deadline: Deadline,
  netcdf: { choice: SliceChoice; deadline: Deadline },
): Promise<Preview> {
  if (isImage(relative)) return { kind: 'image' };
  const ext = path.extname(relative).toLowerCase();
  const max = bytesToRead(ext);
  const slice = await deadline.within(readSeriesSlice(storageDir, seriesId, relative, max));
  if (!slice) return none('not collected (yet)');
  if (isRefused(slice)) return none(`not previewed: ${slice.refused}`);
  const tooLarge = (what: string) =>
    none(
      `preview too large: ${what} is longer than the first ${formatBytes(max)}, which is all a preview reads; download the file`,
    );
  if (looksLikeNetCdf(slice.bytes)) {
    let header: NcHeader;
    try {
      header = parseNetCdfHeader(slice.bytes, deadline);
    } catch (error) {
      if (!(error instanceof NetCdfError)) throw error;
      if (error.truncated && slice.partial) return tooLarge('the NetCDF header');
      return none(`NetCDF header not readable: ${error.message}`);
    }
    const format = { kind: 'classic', header } as const;
    // The plot reads the file by ranges (netcdf-source.ts), on disk or in S3 alike.
    const data = await netCdfData(storageDir, seriesId, relative, format, netcdf.choice, netcdf.deadline);
    return { kind: 'netcdf', header, data };
  }
  if (isHdf5Name(ext) && looksLikeHdf5(slice.bytes)) {
    try {
      const format = { kind: 'hdf5' } as const;
      const data = await netCdfData(storageDir, seriesId, relative, format, netcdf.choice, netcdf.deadline);
      return { kind: 'netcdf', data };
    } catch (error) {
      if (error instanceof NetCdfError) return none(error.message);
      throw error;
    }
  }
  if (slice.bytes.includes(0)) return none('binary file: download it to see it');
  const text = slice.bytes.toString('utf8');
  if (ext === '.json' && !slice.partial) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      // not valid JSON: shown as text below
    }
  }
  if (ext === '.csv' || ext === '.tsv') {
    // A partial read ends mid-line: keep whole lines only, and say so when there is none.
    const end = slice.partial ? text.lastIndexOf('\n') + 1 : text.length;
    if (end === 0) return tooLarge('the first line');
    const rows = parseCsv(text.slice(0, end), { deadline });
    deadline.check();
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
          {preview.rows.some((r) => r.length >= CSV_MAX_COLUMNS) ? (
            <p class="muted small">First {CSV_MAX_COLUMNS} columns shown.</p>
          ) : null}
        </>
      );
    case 'netcdf':
      return (
        <>
          {preview.header ? <NetCdfHeaderView header={preview.header} /> : null}
          <NetCdfDataView data={preview.data} name={props.name} />
        </>
      );
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
