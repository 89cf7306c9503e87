import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REQUIREMENTS } from '../../src/harness/requirements';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `name: t
profiles: [saml-web-sso]
idp:
  metadata: METADATA
gateway:
  entityId: https://gateway.test/sp
  acsUrl: http://127.0.0.1:7499/acs
`;

function writeConfig(text: string, ext = 'yaml'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idpc-cli-'));
  const f = path.join(dir, `target.${ext}`);
  writeFileSync(f, text);
  return f;
}

/** A bad config is the harness's problem, never the IdP's: exit 2, one line that names the field. */
function expectConfigError(file: string, field: string): void {
  const r = cli(['run', '--target', file, '--report-dir', path.join(os.tmpdir(), 'idpc-cli-reports')]);
  expect(r.code, r.stderr).to.equal(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^idp-conformance: ERR_[A-Z_]+: /);
  expect(lines[0]).to.contain(field);
  expect(r.stderr).not.to.match(/\n\s+at /);
}

describe('CLI', function () {
  this.timeout(60_000);

  it('list --json prints the catalogue with ≥ 40 saml-web-sso checks', () => {
    const r = cli(['list', '--json', '--profile', 'saml-web-sso']);
    expect(r.code, r.stderr).to.equal(0);
    const checks = JSON.parse(r.stdout) as {
      id: string;
      profile: string;
      family: string;
      level: string;
      requirements: string[];
      title: string;
    }[];
    expect(checks.length).to.be.at.least(40);
    for (const c of checks) {
      expect(Object.keys(c).sort()).to.deep.equal([
        'cites',
        'family',
        'id',
        'level',
        'profile',
        'requirements',
        'title',
      ]);
      expect(c.profile).to.equal('saml-web-sso');
      expect(c.id.startsWith(c.requirements[0] ?? '\u0000'), c.id).to.equal(true);
      expect(['MUST', 'SHOULD', 'MAY']).to.include(c.level);
    }
  });

  it('list --profile device-token has a check for every DT requirement of the profile document', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'profiles', 'device-token.md'), 'utf8');
    const ids = [...new Set(doc.match(/\bDT-(?:MD|REQ|SIG|TOK|RSP|PROV)-\d{2}\b/g) ?? [])];
    expect(ids.length).to.equal(51);
    const r = cli(['list', '--profile', 'device-token', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const checks = JSON.parse(r.stdout) as { id: string; profile: string; requirements: string[] }[];
    const covered = new Set(checks.flatMap((c) => c.requirements));
    expect(ids.filter((id) => !covered.has(id))).to.deep.equal([]);
    expect(checks.every((c) => c.profile === 'device-token')).to.equal(true);
  });

  it('every requirement a check cites is in the requirement catalogue', () => {
    const r = cli(['list', '--json']);
    const known = new Set(REQUIREMENTS.map((x) => x.id));
    const checks = JSON.parse(r.stdout) as { id: string; requirements: string[] }[];
    const unknown = checks.flatMap((c) =>
      c.requirements.filter((q) => !known.has(q)).map((q) => `${c.id}: ${q}`),
    );
    expect(unknown).to.deep.equal([]);
  });

  it('an unknown option exits 2 with one line', () => {
    const r = cli(['run', '--nope']);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim()).to.match(/^idp-conformance: ERR_USAGE: unknown option --nope/);
  });

  for (const [args, line] of [
    [['run', '--target'], /^idp-conformance: ERR_USAGE: --target needs a value — /],
    [['run', '--target', '--strict'], /^idp-conformance: ERR_USAGE: --target needs a value — /],
    [['run', '--strict=yes'], /^idp-conformance: ERR_USAGE: --strict takes no value — /],
    [
      ['list', '--strict'],
      /^idp-conformance: ERR_USAGE: --strict does not apply to list — it works with: run$/,
    ],
    [['list', 'extra'], /^idp-conformance: ERR_USAGE: unexpected argument extra for list — /],
    [['frobnicate'], /^idp-conformance: ERR_USAGE: unknown command frobnicate — /],
    [['report'], /^idp-conformance: ERR_USAGE: report needs /],
  ] as const) {
    it(`${args.join(' ')}: exit 2 with one usage line`, () => {
      const r = cli([...args]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr.trim()).to.match(line);
    });
  }

  it('--help and -h print the usage, exit 0', () => {
    for (const args of [['--help'], ['run', '--help'], ['report', '-h']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).to.equal(0);
      expect(r.stdout).to.contain('Usage:');
    }
  });

  it('an unknown fault exits 2', () => {
    const r = cli([
      'run',
      '--fault',
      'no-such-fault',
      '--report-dir',
      path.join(os.tmpdir(), 'idpc-cli-reports'),
    ]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('no-such-fault');
  });

  it('a config with a missing field exits 2 naming it', () => {
    expectConfigError(
      writeConfig(
        GOOD.replace('  entityId: https://gateway.test/sp\n', '').replace(
          'METADATA',
          'http://127.0.0.1:1/md',
        ),
      ),
      'gateway.entityId',
    );
  });

  it('a config with a wrong type exits 2 naming the field', () => {
    const f = writeConfig(
      `${GOOD.replace('METADATA', 'http://127.0.0.1:1/md')}timeouts:\n  exchangeMs: ten\n`,
    );
    expectConfigError(f, 'timeouts.exchangeMs');
  });

  it('invalid YAML exits 2 with the line', () => {
    expectConfigError(writeConfig('name: [unclosed\nprofiles: x\n'), 'line');
  });

  it('an unreachable metadata URL exits 2', () => {
    expectConfigError(writeConfig(GOOD.replace('METADATA', 'http://127.0.0.1:1/metadata')), 'idp.metadata');
  });

  it('sp-metadata prints an EntityDescriptor with the gateway key', () => {
    const r = cli(['sp-metadata', '--signed']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('entityID="https://gateway.test/sp-signed"');
    expect(r.stdout).to.contain('AuthnRequestsSigned="true"');
    expect(r.stdout).to.contain('<ds:X509Certificate>');
  });
});
