// The h5wasm side of hdf5.ts, in a worker thread of its own: HDF5's C library (as wasm) runs
// synchronously and its parser meets files runs wrote, so it must be stoppable — hdf5.ts
// terminates this worker at a preview's deadline, which no await in the main thread could do.
// Plain JavaScript: a worker does not inherit the tsx loader when the CLI registers it in-process.
//
// Messages (one at a time; hdf5.ts waits for each answer). One file is open at a time:
//   {op: 'open', bytes}                 → {ok, variables: NdVariable[]}   (closes the previous one)
//   {op: 'read', name, start, count}    → {ok, values: Float64Array}
//   {op: 'close'}                       → {ok}
// and {ok: false, error} for what the file does wrong.
import { parentPort } from 'node:worker_threads';

// HDF5 prints its error stack (through Emscripten's console.error, bound when h5wasm loads):
// kept per request to name what is wrong, never printed to the server's log.
let diagnostics = '';
const keep = (...parts) => {
  diagnostics = (diagnostics + parts.join(' ') + '\n').slice(-16384);
};
console.error = keep;
console.warn = keep;
console.log = keep;
// The browser build, not 'h5wasm/node': that one is built with NODERAWFS, its file system being the
// host's own (a path in it is a path on the server), where this one's is in memory.
const { default: h5wasm } = await import('h5wasm');

/** Objects visited when listing a file: a file with more is listed in part. */
const MAX_ENTRIES = 4096;
const MAX_DEPTH = 16;
/** NetCDF-4 marks a dimension that has no coordinate variable with this NAME (netcdf-c's DIM_WITHOUT_VARIABLE). */
const NOT_A_VARIABLE = 'This is a netCDF dimension but not a netCDF variable';
// H5T classes (H5Tpublic.h): only integers and floats are plotted.
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const PATH = '/preview.h5';

let file;
const datasets = new Map();
const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);

function attribute(entity, name) {
  try {
    if (!(name in entity.attrs)) return undefined;
    return entity.get_attribute(name, true);
  } catch {
    return undefined;
  }
}

/** The NetCDF dimension names of a dataset: its attached dimension scales, else `dim0`, `dim1`… */
function dimensionsOf(name, dataset, shape) {
  // A coordinate variable is itself the scale of its one dimension.
  if (shape.length === 1 && attribute(dataset, 'CLASS') === 'DIMENSION_SCALE') return [baseName(name)];
  return shape.map((_, d) => {
    try {
      const scale = dataset.get_attached_scales(d)[0];
      if (scale) return baseName(scale);
    } catch {
      // no dimension scales (a plain HDF5 file): named by position
    }
    return `dim${d}`;
  });
}

function describe(name, dataset) {
  const shape = dataset.shape ?? [];
  const type = dataset.metadata.type;
  const units = attribute(dataset, 'units');
  const numbers = (name) => {
    const value = attribute(dataset, name);
    return (Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value) : [value]).filter(
      (n) => typeof n === 'number',
    );
  };
  return {
    name,
    dimensions: dimensionsOf(name, dataset, shape),
    shape,
    numeric: type === H5T_INTEGER || type === H5T_FLOAT,
    units: typeof units === 'string' ? units : undefined,
    fill: numbers('_FillValue')[0],
    // CF: missing values and packing (netcdf-slice.ts unpacked applies them).
    missing: numbers('missing_value'),
    scale: numbers('scale_factor')[0],
    offset: numbers('add_offset')[0],
  };
}

function list() {
  const variables = [];
  let seen = 0;
  const walk = (group, prefix, depth) => {
    for (const key of group.keys()) {
      if (++seen > MAX_ENTRIES || depth > MAX_DEPTH) return;
      const entity = group.get(key);
      const name = prefix + key;
      if (entity instanceof h5wasm.Group) walk(entity, `${name}/`, depth + 1);
      else if (entity instanceof h5wasm.Dataset) {
        const label = attribute(entity, 'NAME');
        if (typeof label === 'string' && label.startsWith(NOT_A_VARIABLE)) continue;
        datasets.set(name, entity);
        variables.push(describe(name, entity));
      }
    }
  };
  walk(file, '', 0);
  return variables;
}

function read(name, start, count) {
  const dataset = datasets.get(name);
  if (!dataset) throw new Error(`the file has no variable '${name}'`);
  const raw = dataset.slice(start.map((s, d) => [s, s + count[d]]));
  const values = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) values[i] = Number(raw[i]);
  return values;
}

function close(FS) {
  datasets.clear();
  if (file) {
    const opened = file;
    file = undefined;
    opened.close();
    FS.unlink(PATH);
  }
}

async function answer(message) {
  const { FS } = await h5wasm.ready;
  switch (message.op) {
    case 'open':
      close(FS);
      FS.writeFile(PATH, message.bytes);
      try {
        file = new h5wasm.File(PATH, 'r');
        // h5wasm may return a file HDF5 failed to open: its diagnostics say so.
        if (diagnostics) throw new Error('not opened');
      } catch (error) {
        file = undefined;
        FS.unlink(PATH);
        throw error;
      }
      return { ok: true, variables: list() };
    case 'read':
      return { ok: true, values: read(message.name, message.start, message.count) };
    default:
      close(FS);
      return { ok: true };
  }
}

/** What went wrong: the innermost message of HDF5's error stack, else the exception's. */
function reason(error) {
  const messages = [...diagnostics.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]);
  return messages.at(-1) ?? String(error?.message ?? error);
}

parentPort.on('message', (message) => {
  diagnostics = '';
  answer(message).then(
    (reply) => parentPort.postMessage(reply, reply.values ? [reply.values.buffer] : []),
    (error) => parentPort.postMessage({ ok: false, error: reason(error) }),
  );
});
