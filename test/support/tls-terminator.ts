// Mutual TLS in front of a plain server, for tests of Temporal over TLS (the dev server does
// not do TLS itself): a test CA, a server certificate and a client certificate made with
// `openssl`, and a Node `tls` server that demands a client certificate from that CA and pipes
// the raw bytes of every accepted connection to the plain port.
//   const pki = await makeTestPki(dir);
//   const terminator = await startTlsTerminator({ pki, upstream: temporal.address });
//   after(() => terminator.stop());
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  /** PEM file paths. */
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** The name in the server certificate (not the address connected to: TEMPORAL_TLS_SERVER_NAME). */
  serverName: string;
}

/** A CA and two leaf certificates (server, client) under `dir`, valid for two days. */
export async function makeTestPki(dir: string, serverName = 'temporal.test'): Promise<TestPki> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const ecKey = (out: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out);

  await ecKey(file('ca.key'));
  await openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=Tuplet test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
  );
  // Leaf certificates with explicit extensions: a CA:TRUE leaf or one without a subjectAltName
  // is refused by rustls (the workers' TLS).
  const leaf = async (name: string, cn: string, extensions: string) => {
    await ecKey(file(`${name}.key`));
    await openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    await writeFile(file(`${name}.ext`), extensions);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  await leaf(
    'server',
    serverName,
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${serverName}\n`,
  );
  await leaf(
    'client',
    'tuplet-worker',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:tuplet-worker\n',
  );
  return {
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    serverName,
  };
}

export interface TlsTerminator {
  /** 127.0.0.1:port: connect here with TLS. */
  address: string;
  /** Client certificates (subject CN) of the connections accepted so far. */
  accepted: string[];
  /** Why handshakes were refused (e.g. the client sent no certificate). */
  refused: string[];
  stop(): Promise<void>;
}

export async function startTlsTerminator(options: {
  pki: TestPki;
  upstream: string;
}): Promise<TlsTerminator> {
  const { pki } = options;
  const [upstreamHost, upstreamPort] = splitAddress(options.upstream);
  const accepted: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: await readFile(pki.serverKeyFile),
      cert: await readFile(pki.serverCertFile),
      ca: await readFile(pki.caFile),
      requestCert: true,
      rejectUnauthorized: true,
      // gRPC clients need HTTP/2 negotiated.
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      accepted.push(String(socket.getPeerCertificate().subject?.CN ?? '?'));
      const upstream = net.connect(upstreamPort, upstreamHost);
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => {
          socket.destroy();
          upstream.destroy();
        });
      }
      socket.pipe(upstream).pipe(socket);
    },
  );
  server.on('tlsClientError', (error) => refused.push(error.message));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    accepted,
    refused,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
