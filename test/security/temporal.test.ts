// Temporal is not an open door. Against the real dev server behind a real mutual-TLS
// terminator, with TUPLET_PAYLOAD_KEY set:
//   (a) a series' history, read by someone with Temporal access but no key, holds no plaintext
//       of its INI or description;
//   (b) such an attacker who starts a workflow on the control queue, or schedules host
//       activities with forged inputs (plain, or sealed with another key), is refused by the
//       workers: the task fails with the refusal and no host command runs;
//   (c) a client with the CA and a client certificate connects and runs the series; one
//       without a client certificate is refused by the TLS server;
//   (d) /codec/decode (the Temporal UI's codec) decodes for admins only, for the UI's origin.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createApiToken, createSession, createUser, findUserByName } from '../../db/accounts.ts';
import type { HostSpec, SeriesSpec } from '../../hosts/executor.ts';
import type { Logger } from '../../log.ts';
import { loadConfig } from '../../config.ts';
import { connectClient, connectWorkers, warnIfTemporalUnprotected } from '../../temporal/connection.ts';
import { EncryptionCodec, PayloadRefusedError } from '../../temporal/payload-codec.ts';
import { CONTROL_TASK_QUEUE, hostTaskQueue } from '../../core/naming.ts';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';
import {
  makeTestPki,
  startTlsTerminator,
  type TestPki,
  type TlsTerminator,
} from '../support/tls-terminator.ts';

const { api } = proto.temporal;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Failure = proto.temporal.api.failure.v1.IFailure;

const SECRET = `ini-secret-${randomUUID()}`;
const DESCRIPTION_SECRET = `description-secret-${randomUUID()}`;
const UI_ORIGIN = 'http://127.0.0.1:8233';

describe('the payload codec', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec([key]);
  const plain = defaultPayloadConverter.toPayload({ ini: SECRET });

  test('round-trips a payload and hides it: only the encoding and the key id are readable', async () => {
    const [sealed] = await codec.encode([plain]);
    assert.ok(!Buffer.from(sealed!.data!).includes(SECRET));
    assert.equal(Buffer.from(sealed!.metadata!['encoding']!).toString(), 'binary/encrypted');
    assert.equal(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString(), codec.keyId);
    const [opened] = await codec.decode([sealed!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), { ini: SECRET });
  });

  test('refuses plain payloads, another key, altered bytes and a swapped key id', async () => {
    const [sealed] = await codec.encode([plain]);
    const [otherKeys] = await new EncryptionCodec([randomBytes(32)]).encode([plain]);
    const altered = Buffer.from(sealed!.data!);
    altered[altered.length - 20]! ^= 1;
    const cases: Array<[string, Payload, RegExp]> = [
      ['plain', plain, /not encrypted \(encoding json\/plain\)/],
      ['other key', otherKeys!, /encrypted with key sha256:\w+, but this process has TUPLET_PAYLOAD_KEY/],
      ['altered', { ...sealed!, data: altered }, /failed authentication/],
      [
        'swapped key id',
        {
          ...sealed!,
          metadata: { ...sealed!.metadata, 'encryption-key-id': otherKeys!.metadata!['encryption-key-id']! },
        },
        /encrypted with key/,
      ],
    ];
    for (const [name, payload, message] of cases) {
      await assert.rejects(codec.decode([payload]), (error: Error) => {
        assert.ok(error instanceof PayloadRefusedError, name);
        assert.match(error.message, message, name);
        return true;
      });
    }
  });

  test('a rotated key ring still opens what the old key sealed', async () => {
    const [sealed] = await codec.encode([plain]);
    const rotated = new EncryptionCodec([randomBytes(32), key]);
    const [opened] = await rotated.decode([sealed!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), { ini: SECRET });
  });
});

describe('start-up warning', () => {
  const warnings = (env: Record<string, string>) => {
    const said: string[] = [];
    const logger = { warn: (_: unknown, message: string) => said.push(message) } as unknown as Logger;
    warnIfTemporalUnprotected(loadConfig(env), logger);
    return said.join('\n');
  };

  test('an external Temporal without a payload key or TLS is named at start-up', () => {
    assert.match(warnings({ TEMPORAL_ADDRESS: 'temporal:7233' }), /TUPLET_PAYLOAD_KEY.*not TLS/s);
    const key = randomBytes(32).toString('base64');
    assert.match(warnings({ TEMPORAL_ADDRESS: 'temporal:7233', TUPLET_PAYLOAD_KEY: key }), /not TLS/);
    assert.equal(
      warnings({ TEMPORAL_ADDRESS: 'temporal:7233', TUPLET_PAYLOAD_KEY: key, TEMPORAL_TLS: 'true' }),
      '',
    );
    assert.equal(warnings({}), '', 'the embedded dev server says nothing');
  });
});

describe('Temporal behind mutual TLS with a payload key', { timeout: 600_000 }, () => {
  const payloadKey = randomBytes(32);
  const codec = new EncryptionCodec([payloadKey]);
  let dir: string;
  let pki: TestPki;
  let temporal: TestTemporal;
  let terminator: TlsTerminator;
  let stack: InProcessStack;
  /** The attacker: a plain connection straight to Temporal, no key, no codec. */
  let attacker: { connection: Connection; client: Client };
  let seriesId: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-temporal-security-'));
    pki = await makeTestPki(dir);
    temporal = await startTemporal();
    terminator = await startTlsTerminator({ pki, upstream: temporal.address });
    stack = await startTestStack({
      temporalAddress: terminator.address,
      env: {
        TUPLET_PAYLOAD_KEY: payloadKey.toString('base64'),
        TEMPORAL_TLS_CA: pki.caFile,
        TEMPORAL_TLS_CERT: pki.clientCertFile,
        TEMPORAL_TLS_KEY: pki.clientKeyFile,
        TEMPORAL_TLS_SERVER_NAME: pki.serverName,
        TEMPORAL_UI_URL: UI_ORIGIN,
      },
    });
    const connection = await Connection.connect({ address: temporal.address });
    attacker = { connection, client: new Client({ connection, namespace: temporal.namespace }) };

    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'echo',
      command: 'cp config.ini seen.ini',
      description: 'copies its config',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'echo',
      host: 'local',
      ini: `[run]\nsecret = ${SECRET}\nx = 1...1...3\n`,
      description: DESCRIPTION_SECRET,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    seriesId = created.body.id;
    const series = await waitForSeriesEnd(stack, seriesId);
    assert.equal(series.state, 'completed', JSON.stringify(series));
  });

  after(async () => {
    await attacker?.connection.close();
    await stack?.stop();
    await terminator?.stop();
    await temporal?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('(c) the stack reached Temporal only through mutual TLS, with its client certificate', () => {
    assert.ok(terminator.accepted.length > 0, 'connections through the TLS terminator');
    assert.deepEqual([...new Set(terminator.accepted)], ['tuplet-worker']);
  });

  test('(c) a client or worker without a client certificate is refused by the TLS server', async () => {
    const withoutCertificate = {
      payloadKey,
      temporal: {
        address: terminator.address,
        namespace: temporal.namespace,
        uiUrl: undefined,
        apiKey: undefined,
        tls: { caFile: pki.caFile, serverName: pki.serverName },
      },
    };
    const refusedBefore = terminator.refused.length;
    // The clients see an alert or a closed stream; the server's log says why.
    await assert.rejects(connectWorkers(withoutCertificate));
    await assert.rejects(connectClient(withoutCertificate, { connectTimeoutMs: 5_000 }));
    const refusals = terminator.refused.slice(refusedBefore);
    assert.ok(refusals.length >= 2, `two handshakes refused, got ${JSON.stringify(refusals)}`);
    for (const reason of refusals) assert.match(reason, /peer did not return a certificate/);
  });

  test("(a) the series' history, read without the key, holds no plaintext of its INI or description", async () => {
    const service = attacker.connection.workflowService;
    const { executions } = await service.listWorkflowExecutions({ namespace: temporal.namespace, query: '' });
    const ours = (executions ?? []).filter((e) => e.execution?.workflowId?.startsWith(`series-${seriesId}`));
    assert.ok(ours.length >= 2, `the series workflow and its chunk(s), got ${ours.length}`);
    const openedPayloads: string[] = [];
    for (const execution of ours) {
      const events = await historyOf(execution.execution!.workflowId!);
      const raw = Buffer.from(api.history.v1.History.encode({ events }).finish());
      for (const secret of [SECRET, DESCRIPTION_SECRET]) {
        assert.equal(
          raw.includes(secret),
          false,
          `${secret} in the history of ${execution.execution!.workflowId}`,
        );
      }
      // The control: with the key, the same payloads do hold them (so the search above can fail).
      for (const payload of payloadsOf(events)) {
        const [opened] = await codec.decode([payload]);
        openedPayloads.push(Buffer.from(opened!.data ?? []).toString());
      }
    }
    assert.ok(
      openedPayloads.some((p) => p.includes(SECRET)),
      'the INI travels in a payload',
    );
    assert.ok(
      openedPayloads.some((p) => p.includes(DESCRIPTION_SECRET)),
      'the description travels in the memo',
    );
  });

  test('(b) a workflow started on the control queue with a plain input fails its task; nothing is scheduled', async () => {
    const workflowId = `forged-${randomUUID()}`;
    const handle = await attacker.client.workflow.start('seriesWorkflow', {
      taskQueue: CONTROL_TASK_QUEUE,
      workflowId,
      args: [{ seriesId }],
    });
    try {
      const failed = await waitForEvent(workflowId, (e) => e.workflowTaskFailedEventAttributes);
      const message = await failureMessage(failed.workflowTaskFailedEventAttributes!.failure);
      assert.match(message, /refused: it is not encrypted/);
      const events = await historyOf(workflowId);
      assert.equal(
        events.filter(
          (e) =>
            e.activityTaskScheduledEventAttributes || e.startChildWorkflowExecutionInitiatedEventAttributes,
        ).length,
        0,
      );
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });

  for (const forgery of ['plain', 'sealed with another key'] as const) {
    test(`(b) host activities scheduled by an attacker with ${forgery} inputs are refused; no command runs`, async () => {
      const marker = path.join(dir, `pwned-${randomUUID()}`);
      const host: HostSpec = { name: 'local', kind: 'local', workdir: path.join(dir, 'attack') };
      const series: SeriesSpec = {
        seriesId: `attack-${randomUUID().slice(0, 8)}`,
        ini: '[a]\nx = 1\n',
        configFile: 'config.ini',
        command: `touch ${marker}`,
        setup: `touch ${marker}`,
        resources: {},
        count: 1,
        maxTuples: 10,
      };
      const seal =
        forgery === 'plain'
          ? async (payloads: Payload[]) => payloads
          : (payloads: Payload[]) => new EncryptionCodec([randomBytes(32)]).encode(payloads);
      const input = await seal([
        defaultPayloadConverter.toPayload(host),
        defaultPayloadConverter.toPayload(series),
      ]);
      // Stage (writes setup.sh), then run the setup: the two steps that run a command.
      const outcome = await forgeActivities(['stageSeries', 'setupSeries'], input);
      assert.equal(
        outcome.completed.length,
        0,
        `no forged activity completed: ${outcome.completed.join(', ')}`,
      );
      assert.equal(outcome.failedActivity, 'stageSeries');
      const message = await failureMessage(outcome.failure);
      assert.match(
        message,
        forgery === 'plain'
          ? /refused: it is not encrypted/
          : /refused: encrypted with key sha256:\w+, but this process has/,
      );
      assert.equal(existsSync(marker), false, 'the forged command never ran');
      assert.equal(existsSync(path.join(host.workdir, series.seriesId)), false, 'nothing was staged');
    });
  }

  test('(d) /codec/decode decodes for an admin only, and only for the Temporal UI origin', async () => {
    const events = await historyOf(`series-${seriesId}`);
    const sealed = payloadsOf(events).map(toJson);
    const body = JSON.stringify({ payloads: sealed });
    const decode = (headers: Record<string, string>) =>
      fetch(`${stack.url}/codec/decode`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });

    const db = stack.stack.database.db;
    const member = await createUser(db, { name: `member-${randomUUID().slice(0, 8)}`, role: 'member' });
    const memberToken = (await createApiToken(db, member.id, 'codec test')).token;
    const admin = (await findUserByName(db, 'admin'))!;
    const adminSession = await createSession(db, admin.id);

    assert.equal((await decode({})).status, 401);
    assert.equal((await decode({ authorization: `Bearer ${memberToken}` })).status, 403);
    assert.equal(
      (await decode({ origin: 'http://evil.example', authorization: `Bearer ${stack.token}` })).status,
      403,
    );

    // The Temporal UI with "include cross-origin credentials": our session cookie, its origin, no CSRF token.
    const fromUi = await decode({ origin: UI_ORIGIN, cookie: `tuplet_session=${adminSession.sessionToken}` });
    assert.equal(fromUi.status, 200);
    assert.equal(fromUi.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.equal(fromUi.headers.get('access-control-allow-credentials'), 'true');
    const decoded = (await fromUi.json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    assert.equal(decoded.payloads.length, sealed.length);
    const texts = decoded.payloads.map((p) => Buffer.from(p.data, 'base64').toString());
    assert.ok(
      texts.some((t) => t.includes(SECRET)),
      'the admin reads the INI',
    );
    assert.equal(Buffer.from(decoded.payloads[0]!.metadata['encoding']!, 'base64').toString(), 'json/plain');

    const preflight = (origin: string) =>
      fetch(`${stack.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    assert.equal((await preflight(UI_ORIGIN)).headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.equal((await preflight('http://evil.example')).headers.get('access-control-allow-origin'), null);

    const tampered = {
      ...sealed[0]!,
      data: Buffer.from(
        Buffer.from(sealed[0]!.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b)),
      ).toString('base64'),
    };
    const refused = await fetch(`${stack.url}/codec/decode`, {
      method: 'POST',
      body: JSON.stringify({ payloads: [tampered] }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
    });
    assert.equal(refused.status, 400);
    assert.match(
      ((await refused.json()) as { error: { message: string } }).error.message,
      /failed authentication/,
    );
  });

  // ---- helpers ----

  async function historyOf(workflowId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await attacker.connection.workflowService.getWorkflowExecutionHistory({
        namespace: temporal.namespace,
        execution: { workflowId },
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return events;
  }

  async function waitForEvent(
    workflowId: string,
    match: (e: HistoryEvent) => unknown,
  ): Promise<HistoryEvent> {
    return waitFor(async () => (await historyOf(workflowId)).find((e) => match(e)), {
      what: `the awaited event in the history of ${workflowId}`,
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  }

  /** The message of a failure; ours are encrypted (encodeCommonAttributes), so open it with the key. */
  async function failureMessage(failure: Failure | null | undefined): Promise<string> {
    assert.ok(failure, 'a failure');
    const parts = [failure.message ?? ''];
    if (failure.encodedAttributes) {
      assert.equal(failure.message, 'Encoded failure', 'the message itself travels encrypted');
      const [opened] = await codec.decode([failure.encodedAttributes as Payload]);
      parts.push(String(defaultPayloadConverter.fromPayload<{ message: string }>(opened!).message));
    }
    if (failure.cause) parts.push(await failureMessage(failure.cause));
    return parts.join(' | ');
  }

  /**
   * What someone with only Temporal access can do: start a workflow of their own on a queue
   * no worker serves, answer its workflow tasks by hand and schedule Tuplet's host activities
   * on the host's queue, one after the other, with inputs of their making.
   */
  async function forgeActivities(
    activityTypes: string[],
    input: Payload[],
  ): Promise<{ completed: string[]; failedActivity?: string; failure?: Failure | null }> {
    const service = attacker.connection.workflowService;
    const namespace = temporal.namespace;
    const taskQueue = `attacker-${randomUUID()}`;
    const workflowId = `forged-activities-${randomUUID()}`;
    await attacker.client.workflow.start('attack', { taskQueue, workflowId, workflowExecutionTimeout: '3m' });
    const remaining = [...activityTypes];
    const scheduled = new Map<string, string>();
    const deadline = Date.now() + 120_000;
    try {
      while (Date.now() < deadline) {
        const task = await attacker.connection.withDeadline(Date.now() + 70_000, () =>
          service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'attacker' }),
        );
        if (!task.taskToken?.length) continue;
        const events = task.history?.events ?? [];
        for (const e of events) {
          if (e.activityTaskScheduledEventAttributes)
            scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType!.name!);
        }
        const completed = events
          .filter((e) => e.activityTaskCompletedEventAttributes)
          .map((e) => scheduled.get(String(e.activityTaskCompletedEventAttributes!.scheduledEventId))!);
        const failed = events.find((e) => e.activityTaskFailedEventAttributes);
        const next = remaining.shift();
        if (failed || next === undefined) {
          await service.respondWorkflowTaskCompleted({
            namespace,
            taskToken: task.taskToken,
            identity: 'attacker',
            commands: [
              {
                commandType: api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
                completeWorkflowExecutionCommandAttributes: {},
              },
            ],
          });
          const attributes = failed?.activityTaskFailedEventAttributes;
          return {
            completed,
            ...(attributes
              ? {
                  failedActivity: scheduled.get(String(attributes.scheduledEventId)),
                  failure: attributes.failure,
                }
              : {}),
          };
        }
        await service.respondWorkflowTaskCompleted({
          namespace,
          taskToken: task.taskToken,
          identity: 'attacker',
          commands: [
            api.command.v1.Command.fromObject({
              commandType: 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK',
              scheduleActivityTaskCommandAttributes: {
                activityId: `${remaining.length}`,
                activityType: { name: next },
                taskQueue: { name: hostTaskQueue('local') },
                input: { payloads: input },
                startToCloseTimeout: { seconds: 60 },
                scheduleToCloseTimeout: { seconds: 90 },
                retryPolicy: { maximumAttempts: 1 },
              },
            }),
          ],
        });
      }
      throw new Error('the forged workflow did not finish within 120 s');
    } finally {
      await attacker.client.workflow
        .getHandle(workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
  }
});

/** Every input, result and memo payload of these events. */
function payloadsOf(events: HistoryEvent[]): Payload[] {
  const payloads: Payload[] = [];
  for (const e of events) {
    const started = e.workflowExecutionStartedEventAttributes;
    payloads.push(...(started?.input?.payloads ?? []), ...Object.values(started?.memo?.fields ?? {}));
    payloads.push(...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []));
    payloads.push(...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []));
  }
  return payloads as Payload[];
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
