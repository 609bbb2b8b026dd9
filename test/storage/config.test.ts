// TUPLET_STORAGE_URL and the S3 settings: parsed into the storage's options, refused with the
// variable's name when malformed; the secret goes into the client's options and nowhere else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { DiskStorage, S3Storage, openStorage } from '../../files/storage/index.ts';

test('no TUPLET_STORAGE_URL: the disk below the data dir', () => {
  const config = loadConfig({ TUPLET_DATA_DIR: '/srv/tuplet' });
  assert.equal(config.storage.s3, undefined);
  const storage = openStorage(config.storage, config.dataDir);
  assert.ok(storage instanceof DiskStorage);
  assert.equal(storage.root, '/srv/tuplet/storage');
});

test('s3://bucket/prefix with an endpoint: path style, the prefix as a folder', () => {
  const config = loadConfig({
    TUPLET_STORAGE_URL: 's3://lab-results/tuplet/prod/',
    TUPLET_S3_ENDPOINT: 'http://127.0.0.1:9000',
    TUPLET_S3_ACCESS_KEY_ID: 'id',
    TUPLET_S3_SECRET_ACCESS_KEY: 'secret',
  });
  assert.deepEqual(config.storage.s3, {
    bucket: 'lab-results',
    prefix: 'tuplet/prod/',
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    forcePathStyle: true,
  });
  const storage = openStorage(config.storage, config.dataDir);
  assert.ok(storage instanceof S3Storage);
  assert.doesNotMatch(storage.description, /secret/);
  storage.close();
});

test('AWS itself: no endpoint, virtual-host style unless asked, the default credential chain', () => {
  const config = loadConfig({ TUPLET_STORAGE_URL: 's3://lab-results', TUPLET_S3_REGION: 'eu-west-3' });
  assert.deepEqual(config.storage.s3, {
    bucket: 'lab-results',
    prefix: '',
    region: 'eu-west-3',
    forcePathStyle: false,
  });
  const forced = loadConfig({ TUPLET_STORAGE_URL: 's3://lab-results', TUPLET_S3_FORCE_PATH_STYLE: 'true' });
  assert.equal(forced.storage.s3?.forcePathStyle, true);
});

test('malformed settings are refused naming the variable', () => {
  assert.throws(
    () => loadConfig({ TUPLET_STORAGE_URL: 'https://lab-results' }),
    /TUPLET_STORAGE_URL: expected s3:\/\/bucket/,
  );
  assert.throws(() => loadConfig({ TUPLET_STORAGE_URL: 's3://Bad_Bucket' }), /TUPLET_STORAGE_URL/);
  assert.throws(
    () => loadConfig({ TUPLET_STORAGE_URL: 's3://lab/a/../b' }),
    /TUPLET_STORAGE_URL: the prefix/,
  );
  assert.throws(
    () => loadConfig({ TUPLET_STORAGE_URL: 's3://lab', TUPLET_S3_ACCESS_KEY_ID: 'id' }),
    /TUPLET_S3_ACCESS_KEY_ID and TUPLET_S3_SECRET_ACCESS_KEY go together/,
  );
  assert.throws(() => loadConfig({ TUPLET_S3_ENDPOINT: 'ftp://x' }), /TUPLET_S3_ENDPOINT/);
  assert.throws(() => loadConfig({ TUPLET_S3_FORCE_PATH_STYLE: 'yes' }), /TUPLET_S3_FORCE_PATH_STYLE/);
});
