// The CLI's HTTP client: where the API is and which token to send come from TUPLET_URL /
// TUPLET_TOKEN, else from the file `tuplet login` writes (~/.config/tuplet/cli.json, mode 0600).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { CliInputError } from './errors.ts';

export interface CliCredentials {
  url: string;
  token?: string;
}

export const credentialsFile = path.join(os.homedir(), '.config', 'tuplet', 'cli.json');

export async function loadCredentials(): Promise<CliCredentials> {
  const config = loadConfig();
  const saved = await readFile(credentialsFile, 'utf8')
    .then((text) => JSON.parse(text) as Partial<CliCredentials>)
    .catch(() => ({}) as Partial<CliCredentials>);
  const url = config.cli.url ?? saved.url ?? `http://127.0.0.1:${config.port}`;
  const token = config.cli.token ?? saved.token ?? config.admin.token;
  return { url: url.replace(/\/+$/, ''), ...(token ? { token } : {}) };
}

export async function saveCredentials(credentials: CliCredentials): Promise<void> {
  await mkdir(path.dirname(credentialsFile), { recursive: true, mode: 0o700 });
  await writeFile(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

/** An error the API answered: its status and `{error:{code,message}}` body. */
export class ApiResponseError extends Error {
  override name = 'ApiResponseError';
  readonly inputError: boolean;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    // 4xx are the user's to fix (bad INI, unknown host, …): exit code 2 like other input errors.
    this.inputError = status >= 400 && status < 500;
  }
}

export class ApiClient {
  constructor(readonly credentials: CliCredentials) {}

  static async fromEnvironment(): Promise<ApiClient> {
    return new ApiClient(await loadCredentials());
  }

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await this.raw(method, route, body);
    return (await response.json()) as T;
  }

  async raw(method: string, route: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials.token) headers.authorization = `Bearer ${this.credentials.token}`;
    // A Blob (fs.openAsBlob: a series archive) is sent as it is read, never held whole.
    const binary = body instanceof Uint8Array || body instanceof Blob;
    if (body !== undefined)
      headers['content-type'] = binary ? 'application/octet-stream' : 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.credentials.url}${route}`, {
        method,
        headers,
        ...(body !== undefined
          ? {
              body:
                body instanceof Blob
                  ? body
                  : binary
                    ? new Blob([body as Uint8Array<ArrayBuffer>])
                    : JSON.stringify(body),
            }
          : {}),
      });
    } catch (error) {
      throw new CliInputError(
        `cannot reach the Tuplet API at ${this.credentials.url} (${(error as Error).message}); ` +
          'is `npm start` running? Set TUPLET_URL or run `tuplet login --url URL`.',
      );
    }
    if (!response.ok) {
      const payload = (await response.json().catch(() => undefined)) as
        { error?: { code?: string; message?: string } } | undefined;
      throw new ApiResponseError(
        response.status,
        payload?.error?.code ?? 'http_error',
        payload?.error?.message ?? `${method} ${route} answered ${response.status}`,
      );
    }
    return response;
  }
}
