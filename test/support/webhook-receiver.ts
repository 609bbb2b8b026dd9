// A real HTTP server receiving webhooks in a test: it keeps every request (headers, exact
// body) and answers with the status `answer` chooses, so a test can fail the first attempts.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  stop(): Promise<void>;
}

export async function startWebhookReceiver(
  host: string,
  answer: (hook: ReceivedHook, received: readonly ReceivedHook[]) => number = () => 204,
): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const hook = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(hook);
      const status = answer(hook, received);
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status >= 400 ? `receiver refuses (${status})` : '');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/hooks/tuplet`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
