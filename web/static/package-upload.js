/* global document, window, XMLHttpRequest */
// The new-series form's input package: uploaded to POST /api/v1/packages as soon as it is
// chosen (with XMLHttpRequest, because fetch cannot report upload progress), then the files
// the server's check admitted are listed. A refused package shows the server's message, which
// names the entry at fault. new-series.js asks window.tuplet.packageForLaunch() for the id.
'use strict';

(function () {
  const input = document.getElementById('package');
  if (!input) return;
  const progress = document.getElementById('package-progress');
  const status = document.getElementById('package-status');
  const list = document.getElementById('package-files');
  /** The upload of the chosen file: a promise of the package (or of undefined when none is chosen). */
  let current = Promise.resolve(undefined);
  let uploadedId = null;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'small notice error' : 'small';
    status.hidden = false;
  }

  function send(file) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1/packages?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('X-CSRF-Token', window.tuplet.csrf);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener('load', () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
        if (xhr.status === 201 && data) resolve(data);
        else reject(new Error(data?.error?.message ?? `the upload failed: ${xhr.status} ${xhr.statusText}`));
      });
      xhr.addEventListener('error', () => reject(new Error('the upload failed: the connection broke')));
      xhr.send(file);
    });
  }

  function li(text, cls) {
    const el = document.createElement('li');
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }

  function showFiles(pkg) {
    const more = pkg.entries - pkg.files.length;
    list.replaceChildren(
      ...pkg.files.map((f) =>
        li(f.type === 'directory' ? `${f.path}/` : `${f.path} (${f.size.toLocaleString('en')} bytes)`),
      ),
      ...(more > 0 ? [li(`… and ${more.toLocaleString('en')} more`, 'muted')] : []),
    );
    list.hidden = false;
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    list.hidden = true;
    list.replaceChildren();
    // A package replaced before launch is of no use: delete it rather than let it count
    // against the quota until the purge.
    if (uploadedId) void window.tuplet.api('DELETE', `/api/v1/packages/${uploadedId}`).catch(() => {});
    uploadedId = null;
    if (!file) {
      status.hidden = true;
      progress.hidden = true;
      current = Promise.resolve(undefined);
      return;
    }
    progress.value = 0;
    progress.hidden = false;
    say(`Uploading ${file.name}…`);
    const upload = send(file).then(
      (pkg) => {
        if (upload !== current) return pkg;
        uploadedId = pkg.id;
        progress.hidden = true;
        say(
          `${pkg.name}: checked, ${pkg.entries.toLocaleString('en')} entries, ${pkg.bytes.toLocaleString('en')} bytes unpacked`,
        );
        showFiles(pkg);
        return pkg;
      },
      (err) => {
        if (upload === current) {
          progress.hidden = true;
          say(`${file.name} was refused: ${err.message}`, true);
        }
        throw err;
      },
    );
    // Launch reports a refusal itself; this keeps an unawaited rejection from being logged.
    upload.catch(() => {});
    current = upload;
  });

  /** The id of the chosen package once uploaded; undefined without one; rejects when refused. */
  window.tuplet.packageForLaunch = async () => {
    try {
      return (await current)?.id;
    } catch (err) {
      throw new Error(`input package refused: ${err.message}`);
    }
  };
})();
