/**
 * The previous run's report folders are renamed away and deleted in the background — never into the
 * report dir itself: a report dir holds reports, never trash (not even for a moment).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeInBackground, removeLeftovers } from '../../src/harness/evidence/background-io';

const until = async (ok: () => boolean, ms = 5000) => {
  for (const t0 = Date.now(); !ok() && Date.now() - t0 < ms;) await new Promise((r) => setTimeout(r, 20));
};

describe('background removal of old reports', () => {
  let base: string;
  let dir: string;
  beforeEach(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'idpc-bgio-'));
    dir = path.join(base, 'report');
    mkdirSync(path.join(dir, 'evidence', 'a'), { recursive: true });
    writeFileSync(path.join(dir, 'evidence', 'a', 'x.txt'), 'x');
    writeFileSync(path.join(dir, 'conformance.json'), '{}');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('moves a folder out of the report dir at once and deletes it; the report dir holds no trash', async () => {
    removeInBackground(dir, path.join(dir, 'evidence'));
    expect(readdirSync(dir)).to.deep.equal(['conformance.json']);
    removeInBackground(dir, path.join(dir, 'conformance.json'));
    expect(readdirSync(dir)).to.deep.equal([]);
    // the trash (temp dir or beside the report dir) goes away in the background
    const trash = () =>
      [os.tmpdir(), base].flatMap((d) =>
        readdirSync(d)
          .filter((n) => n.includes('.removing-') && n.endsWith('-evidence'))
          .map((n) => path.join(d, n))
          .filter((p) => existsSync(path.join(p, 'a', 'x.txt'))),
      );
    await until(() => trash().length === 0);
    expect(trash()).to.deep.equal([]);
  });

  it('deletes the leftovers of an interrupted removal, also those older versions left inside the report dir', async () => {
    mkdirSync(path.join(dir, '.removing-1-2-evidence', 'a'), { recursive: true });
    mkdirSync(path.join(base, '.report.removing-1-2-evidence'), { recursive: true });
    removeLeftovers(dir);
    await until(() => !existsSync(path.join(dir, '.removing-1-2-evidence')));
    await until(() => !existsSync(path.join(base, '.report.removing-1-2-evidence')));
    expect(readdirSync(dir).sort()).to.deep.equal(['conformance.json', 'evidence']);
    expect(readdirSync(base)).to.deep.equal(['report']);
  });
});
