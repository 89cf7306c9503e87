import Ajv from 'ajv';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadTargetConfig, repoRoot } from '../../src/harness/targets/config';
import { targetJsonSchema } from '../../src/harness/targets/config-schema';

const ROOT = repoRoot();
const SCHEMA_FILE = path.join(ROOT, 'schema', 'target.schema.json');
const TARGETS = path.join(ROOT, 'fixtures', 'targets');
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/m;

/** Every target config shipped under fixtures/ (the bad/ ones are broken on purpose). */
function shippedTargets(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'bad' && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && /\.ya?ml$/.test(e.name) && MODELINE.test(fs.readFileSync(p, 'utf8')))
        out.push(p);
    }
  };
  walk(path.join(ROOT, 'fixtures'));
  return out.sort();
}

describe('target config JSON Schema (schema/target.schema.json)', () => {
  const committed = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(committed);

  it('is the one derived from the zod schema (npm run schema writes it)', () => {
    expect(committed, 'schema/target.schema.json is stale: run npm run schema').to.deep.equal(
      targetJsonSchema(),
    );
  });

  it('every target YAML in fixtures/targets/ names it in a yaml-language-server comment', () => {
    const top = fs.readdirSync(TARGETS).filter((f) => /\.ya?ml$/.test(f));
    expect(top.length).to.be.greaterThan(0);
    for (const f of top) {
      const m = MODELINE.exec(fs.readFileSync(path.join(TARGETS, f), 'utf8'));
      expect(m, `${f}: add # yaml-language-server: $schema=../../schema/target.schema.json`).to.not.equal(
        null,
      );
      expect(path.resolve(TARGETS, m![1]!), f).to.equal(SCHEMA_FILE);
    }
  });

  it('every shipped target YAML validates against it, and loads', () => {
    const files = shippedTargets();
    expect(files.length).to.be.greaterThan(5);
    for (const f of files) {
      const data: unknown = YAML.parse(fs.readFileSync(f, 'utf8'));
      const ok = validate(data);
      expect(ok, `${path.relative(ROOT, f)}: ${JSON.stringify(validate.errors)}`).to.equal(true);
      expect(loadTargetConfig(f, {}).name).to.be.a('string');
    }
  });

  it('rejects what the loader rejects for its shape: an unknown key, a wrong type, a missing field', () => {
    const good = {
      name: 'x',
      idp: { metadata: 'http://127.0.0.1:1/m' },
      gateway: { entityId: 'urn:x', acsUrl: 'http://127.0.0.1:7400/acs' },
    };
    expect(validate(good)).to.equal(true);
    expect(validate({ ...good, gateway: { ...good.gateway, entityID: 'urn:x' } })).to.equal(false);
    expect(validate({ ...good, timeouts: { exchangeMs: 'ten' } })).to.equal(false);
    expect(validate({ ...good, capabilities: { tokenAdmin: 'yes' } })).to.equal(false);
    expect(validate({ name: 'x', idp: good.idp })).to.equal(false);
    expect(validate({ ...good, profiles: ['ws-fed'] })).to.equal(false);
  });
});
