// Hostile packages for the security tests, written by Python's tarfile and zipfile, which
// store whatever names, links and file types they are given (as an attacker's tool would).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { PackageError } from '../../hosts/errors.ts';

export type ArchiveEntry =
  | { name: string; data: string; mode?: number }
  | { name: string; dir: true; mode?: number }
  | { name: string; symlink: string }
  | { name: string; hardlink: string }
  | { name: string; fifo: true }
  | { name: string; chardev: true };

export type ArchiveKind = 'tar' | 'tar.gz' | 'zip';

const SCRIPT = String.raw`
import io, json, stat, sys, tarfile, zipfile
kind, out, entries = sys.argv[1], sys.argv[2], json.load(sys.stdin)
if kind == 'zip':
    with zipfile.ZipFile(out, 'w') as z:
        for e in entries:
            info = zipfile.ZipInfo(e['name']); info.create_system = 3
            if 'symlink' in e:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16; z.writestr(info, e['symlink'])
            elif 'fifo' in e:
                info.external_attr = (stat.S_IFIFO | 0o644) << 16; z.writestr(info, '')
            elif 'chardev' in e:
                info.external_attr = (stat.S_IFCHR | 0o644) << 16; z.writestr(info, '')
            elif 'dir' in e:
                info.external_attr = ((stat.S_IFDIR | 0o755) << 16) | 0x10; z.writestr(info, '')
            elif 'hardlink' in e:
                raise SystemExit('zip has no hard links')
            else:
                info.external_attr = (stat.S_IFREG | e.get('mode', 0o644)) << 16; z.writestr(info, e['data'])
else:
    with tarfile.open(out, 'w:gz' if kind == 'tar.gz' else 'w', format=tarfile.GNU_FORMAT) as t:
        for e in entries:
            info = tarfile.TarInfo(e['name']); info.mode = 0o644
            if 'symlink' in e:
                info.type = tarfile.SYMTYPE; info.linkname = e['symlink']; info.mode = 0o777
            elif 'hardlink' in e:
                info.type = tarfile.LNKTYPE; info.linkname = e['hardlink']
            elif 'fifo' in e:
                info.type = tarfile.FIFOTYPE
            elif 'chardev' in e:
                info.type = tarfile.CHRTYPE; info.devmajor = 1; info.devminor = 3
            elif 'dir' in e:
                info.type = tarfile.DIRTYPE; info.mode = 0o755
            if 'mode' in e:
                info.mode = e['mode']
            if 'data' in e:
                data = e['data'].encode(); info.size = len(data); t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
`;

/** A tar.gz of one small file followed by `zeros` bytes of zeros: kilobytes that inflate to `zeros`. */
export function makePaddedTarGz(dir: string, name: string, zeros: number): string {
  const file = path.join(dir, name);
  const script = String.raw`
import gzip, io, sys, tarfile
out, zeros = sys.argv[1], int(sys.argv[2])
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode='w') as t:
    info = tarfile.TarInfo('readme.txt'); info.size = 3; t.addfile(info, io.BytesIO(b'hi\n'))
with gzip.open(out, 'wb') as g:
    g.write(raw.getvalue())
    block = bytes(1 << 20)
    for _ in range(zeros >> 20): g.write(block)
`;
  execFileSync('python3', ['-c', script, file, String(zeros)]);
  return file;
}

/** Writes the archive `<dir>/<name>` holding exactly these entries, in this order; returns its path. */
export function makeArchive(dir: string, name: string, kind: ArchiveKind, entries: ArchiveEntry[]): string {
  const file = path.join(dir, name);
  execFileSync('python3', ['-c', SCRIPT, kind, file], { input: JSON.stringify(entries) });
  return file;
}

// The attacks of issue 9, item 1: each archive, the entry its refusal must name, and why.
export interface Attack {
  title: string;
  entries: ArchiveEntry[];
  /** The entry the refusal must name, and why. */
  entry: string;
  code: PackageError['code'];
  kinds: ArchiveKind[];
}

export const EVIL = 'echo pwned > /tmp/tuplet-pwned\n';

export const attacks: Attack[] = [
  {
    title: 'd -> .tuplet, then d/command.sh',
    entries: [
      { name: 'd', symlink: '.tuplet' },
      { name: 'd/command.sh', data: EVIL },
    ],
    entry: 'd',
    code: 'link',
    kinds: ['tar', 'tar.gz', 'zip'],
  },
  {
    title: 't -> ., then t/tuples.tsv',
    entries: [
      { name: 't', symlink: '.' },
      { name: 't/tuples.tsv', data: '0\t../../../etc\n' },
    ],
    entry: 't',
    code: 'link',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'the chain sub/x -> .., sub/a -> x/..',
    entries: [
      { name: 'sub/x', symlink: '..' },
      { name: 'sub/a', symlink: 'x/..' },
      { name: 'sub/a/escaped.txt', data: 'out\n' },
    ],
    entry: 'sub/x',
    code: 'link',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'a hard link',
    entries: [
      { name: 'data.txt', data: 'x\n' },
      { name: 'copy.txt', hardlink: 'data.txt' },
    ],
    entry: 'copy.txt',
    code: 'link',
    kinds: ['tar'],
  },
  {
    title: 'an entry .tuplet/command.sh',
    entries: [{ name: '.tuplet/command.sh', data: EVIL }],
    entry: '.tuplet/command.sh',
    code: 'reserved',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'an entry tuples.tsv',
    entries: [{ name: 'tuples.tsv', data: '0\tx\n' }],
    entry: 'tuples.tsv',
    code: 'reserved',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'an entry ./runs/… spelled around',
    entries: [{ name: './inputs/../runs/0_x=1/config.ini', data: 'x = 9\n' }],
    entry: './inputs/../runs/0_x=1/config.ini',
    code: 'reserved',
    kinds: ['tar'], // yauzl refuses any `..` in a zip name itself (a traversal)
  },
  {
    title: 'a directory .tuplet/',
    entries: [{ name: '.tuplet/', dir: true }],
    entry: '.tuplet/',
    code: 'reserved',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'a fifo',
    entries: [{ name: 'pipe', fifo: true }],
    entry: 'pipe',
    code: 'special',
    kinds: ['tar', 'zip'],
  },
  {
    title: 'a character device',
    entries: [{ name: 'null', chardev: true }],
    entry: 'null',
    code: 'special',
    kinds: ['tar', 'zip'],
  },
];
