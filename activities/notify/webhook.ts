// One webhook request: POST of the signed JSON body to the address checked by
// webhook-target.ts (the connection goes to exactly the addresses checked), bounded in time
// and in what is read back; a redirect is an error, never followed.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './webhook-target.ts';

/** The whole request, connection to last byte. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** What is read of an answer, for the error shown in the deliveries log. */
const MAX_ANSWER_BYTES = 4096;

/** Connects to the checked addresses whatever the name would resolve to now. */
function pinnedLookup(targets: readonly ResolvedTarget[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      callback(
        null,
        targets.map((t) => ({ address: t.address, family: t.family })),
      );
    else callback(null, targets[0]!.address, targets[0]!.family);
  };
}

export function postWebhook(
  url: URL,
  targets: readonly ResolvedTarget[],
  body: string,
  headers: Record<string, string>,
): Promise<void> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: pinnedLookup(targets),
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Tuplet-Webhook/1',
        },
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          answer += chunk;
          if (answer.length >= MAX_ANSWER_BYTES) response.destroy();
        });
        const settle = () => {
          if (status >= 200 && status < 300) return resolve();
          if (status >= 300 && status < 400) {
            const location = response.headers.location ?? '(no location)';
            return reject(
              new Error(`answered ${status} → ${location.slice(0, 200)}: redirects are not followed`),
            );
          }
          reject(
            new Error(`answered ${status}${answer ? `: ${answer.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`),
          );
        };
        response.on('end', settle);
        response.on('close', settle);
        response.on('error', settle);
      },
    );
    request.on('error', (error) =>
      reject(
        new Error(
          error.name === 'AbortError' || error.name === 'TimeoutError'
            ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
            : error.message,
        ),
      ),
    );
    request.end(body);
  });
}
