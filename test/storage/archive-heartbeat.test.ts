// The series archive and the file index are long activities (controlLong, heartbeat timeout
// 15 s): they must beat as they work, or one that takes longer than the timeout is failed and
// started again from nothing, forever (the 2,000-run scale bench stayed `archiving` at attempt
// 13). Run in Temporal's mock activity environment, which records each heartbeat sent.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { archiveSeriesFiles, indexChunkFiles } from '../../activities/control/files.ts';
import { createUser } from '../../db/accounts.ts';
import { storageOf } from '../../files/storage/index.ts';
import { seedHostAndApplication, seedRunFiles, seedSeries } from '../browser/support/seed.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let storageDir: string;
before(async () => {
  [database, storageDir] = await Promise.all([
    openTestDatabase('pglite'),
    mkdtemp(path.join(os.tmpdir(), 'tuplet-archive-')),
  ]);
});
after(async () => {
  await database.close();
  await rm(storageDir, { recursive: true, force: true });
});

test('the archive heartbeats as it packs, and the heartbeats count the bytes packed so far', async () => {
  const { db } = database;
  const owner = await createUser(db, { name: 'archivist', role: 'admin' });
  await seedHostAndApplication(db, path.join(storageDir, 'work'));
  const { id } = await seedSeries(db, {
    ownerId: owner.id,
    ini: 'a = 1...1...12\n',
    description: 'archive heartbeat',
    state: 'archiving',
  });
  for (let index = 0; index < 12; index++)
    await seedRunFiles(db, storageDir, id, index, `${String(index).padStart(2, '0')}_a=${index + 1}`);

  const beats: number[] = [];
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (details: { archivedBytes: number }) => beats.push(details.archivedBytes));
  const archive: { size: number } = await env.run(() =>
    archiveSeriesFiles(db, storageOf({ storageDir }), id),
  );

  assert.ok(archive.size > 0);
  // At least one beat per stored file (each is a header and a body flowing through).
  assert.ok(beats.length >= 12, `${beats.length} heartbeats for 12 runs' files`);
  assert.deepEqual(
    beats,
    [...beats].sort((a, b) => a - b),
    'the bytes packed only grow',
  );
});

test('the file index heartbeats for every run it indexes, not once per batch of rows', async () => {
  const { db } = database;
  const owner = await createUser(db, { name: 'indexer', role: 'admin' });
  await seedHostAndApplication(db, path.join(storageDir, 'work'));
  const { id } = await seedSeries(db, {
    ownerId: owner.id,
    ini: 'a = 1...1...12\n',
    description: 'index heartbeat',
    state: 'running',
  });
  for (let index = 0; index < 12; index++)
    await seedRunFiles(db, storageDir, id, index, `${String(index).padStart(2, '0')}_a=${index + 1}`);

  const beats: number[] = [];
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (files: number) => beats.push(files));
  const indexed: { files: number } = await env.run(() =>
    indexChunkFiles(db, storageOf({ storageDir }), id, [[0, 12]]),
  );

  assert.ok(indexed.files > 0);
  assert.ok(beats.length >= 12, `${beats.length} heartbeats for 12 runs`);
  assert.deepEqual(
    beats,
    [...beats].sort((a, b) => a - b),
    'the files indexed only grow',
  );
});
