// The browsable API reference at /api/v1/docs: rendered on the server from the same OpenAPI
// document as /api/v1/openapi.json, with no script and nothing fetched from a CDN.
import { html } from 'hono/html';
import type { FC } from 'hono/jsx';

interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  [key: string]: unknown;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: SchemaObject }> }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const css = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:1px solid #d5d9e0;text-transform:capitalize}
details{background:#fff;border:1px solid #d5d9e0;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:baseline}
.m{font:bold 12px monospace;text-transform:uppercase;padding:2px 6px;border-radius:4px;color:#fff;min-width:52px;text-align:center}
.get{background:#2f7d32}.post{background:#1f5fae}.patch{background:#a06200}.delete{background:#b3261e}.put{background:#6a3fa0}
code,.p{font-family:ui-monospace,monospace}.p{font-weight:600}
.body{padding:0 16px 12px}table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #eceef2;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f1f3f6;padding:8px;border-radius:4px;overflow:auto;font-size:13px}.lock{color:#6b7280;font-size:13px}
`;

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

const SchemaView: FC<{ schema: SchemaObject | undefined }> = ({ schema }) => {
  if (!schema) return <></>;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#schema-${name}`}>
        <code>{name}</code>
      </a>
    );
  }
  return <pre>{JSON.stringify(schema, null, 2)}</pre>;
};

const OperationView: FC<{ method: string; path: string; op: Operation }> = ({ method, path, op }) => (
  <details id={`${method}-${path}`}>
    <summary>
      <span class={`m ${method}`}>{method}</span>
      <span class="p">{path}</span>
      <span>{op.summary ?? ''}</span>
    </summary>
    <div class="body">
      {op.description ? <p>{op.description}</p> : null}
      <p class="lock">
        {op.security && op.security.length > 0
          ? 'Signed in: Bearer token or session cookie'
          : 'No sign-in needed'}
      </p>
      {op.parameters && op.parameters.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <table>
            <tr>
              <th>name</th>
              <th>in</th>
              <th>type</th>
              <th>description</th>
            </tr>
            {op.parameters.map((p) => (
              <tr>
                <td>
                  <code>{p.name}</code>
                  {p.required ? ' *' : ''}
                </td>
                <td>{p.in}</td>
                <td>
                  <code>{String(p.schema?.type ?? '')}</code>
                </td>
                <td>{p.description ?? ''}</td>
              </tr>
            ))}
          </table>
        </>
      ) : null}
      {op.requestBody?.content
        ? Object.entries(op.requestBody.content).map(([type, media]) => (
            <>
              <h4>
                Body <code>{type}</code>
              </h4>
              <SchemaView schema={media.schema} />
            </>
          ))
        : null}
      <h4>Responses</h4>
      <table>
        {Object.entries(op.responses ?? {}).map(([status, response]) => (
          <tr>
            <td>
              <code>{status}</code>
            </td>
            <td>{response.description ?? ''}</td>
            <td>
              {Object.values(response.content ?? {}).map((media) => (
                <SchemaView schema={media.schema} />
              ))}
            </td>
          </tr>
        ))}
      </table>
    </div>
  </details>
);

const DocsPage: FC<{ doc: OpenApiDocument; specUrl: string }> = ({ doc, specUrl }) => {
  const byTag = new Map<string, Array<{ method: string; path: string; op: Operation }>>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${doc.info.title} — API reference`}</title>
        <style>{css}</style>
      </head>
      <body>
        <main>
          <h1>{doc.info.title}</h1>
          <p>
            Version {doc.info.version}. {doc.info.description ?? ''} The machine-readable document is{' '}
            <a href={specUrl}>
              <code>{specUrl}</code>
            </a>
            .
          </p>
          {[...byTag.entries()].map(([tag, ops]) => (
            <section>
              <h2>{tag}</h2>
              {ops.map((o) => (
                <OperationView {...o} />
              ))}
            </section>
          ))}
          <h2>Schemas</h2>
          {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
            <section id={`schema-${name}`}>
              <h3>
                <code>{name}</code>
              </h3>
              <pre>{JSON.stringify(schema, null, 2)}</pre>
            </section>
          ))}
        </main>
      </body>
    </html>
  );
};

export function renderDocsPage(doc: OpenApiDocument, specUrl: string) {
  return html`<!DOCTYPE html>${(<DocsPage doc={doc} specUrl={specUrl} />)}`;
}
