import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The two Stryker ignorers of `npm run mutation` (test/mutation/*.mjs): what each takes out of the score.
const ROOT = path.resolve(__dirname, '..', '..', '..');
const babel = createRequire(path.join(ROOT, 'package.json'))('@babel/core') as {
  parseSync(code: string, opts: object): unknown;
  traverse(ast: unknown, visitors: { enter(p: NodePath): void }): void;
};
interface NodePath {
  node: { type: string; start?: number; end?: number };
}
type Ignorer = { shouldIgnore(p: NodePath): string | undefined };
// An ES module from this CommonJS build: a real dynamic import, not the require() tsc would write.
const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<Record<string, unknown>>;

async function ignorer(file: string): Promise<Ignorer> {
  const mod = await importEsm(pathToFileURL(path.join(ROOT, 'test', 'mutation', file)).href);
  const [plugin] = mod.strykerPlugins as { value: Ignorer }[];
  return (plugin as { value: Ignorer }).value;
}

/** The protocol files mutation analysis mutates (stryker.config.json "mutate"), with their sources. */
function protocolFiles(): [string, string][] {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')) as {
    mutate: string[];
  };
  return config.mutate.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')]);
}

/** The source texts of the outermost nodes the ignorer ignores. */
function ignored(code: string, ig: Ignorer): string[] {
  const ast = babel.parseSync(code, {
    filename: 'x.ts',
    presets: ['@babel/preset-typescript'],
    configFile: false,
  });
  const out: { start: number; end: number }[] = [];
  babel.traverse(ast, {
    enter(p) {
      const { start, end } = p.node;
      if (start === undefined || end === undefined) return;
      if (out.some((o) => o.start <= start && end <= o.end)) return;
      if (ig.shouldIgnore(p)) out.push({ start, end });
    },
  });
  return out.map((o) => code.slice(o.start, o.end));
}

describe('npm run mutation: the ignorers', () => {
  it('message-texts ignores the wording of error pages and StatusMessages, not the status or the decision', async () => {
    const ig = await ignorer('message-texts.mjs');
    const code = [
      "throw new Reject(400, 'unknown Issuer');",
      "const e = { top: 'Requester', second: 'RequestDenied', message: `no ${x}` };",
      "info.malformed = 'more than one NameIDPolicy';",
      "sendHtml(res, 500, errorPage(500, 'internal error'));",
      "function valueProblem(v) { if (v === '') return 'empty'; return undefined; }",
      "function other(v) { return 'kept'; }",
      "const status = 'urn:oasis:names:tc:SAML:2.0:status:Requester';",
    ].join('\n');
    expect(ignored(code, ig)).to.deep.equal([
      "'unknown Issuer'",
      '`no ${x}`',
      "'more than one NameIDPolicy'",
      "'internal error'",
      "'empty'",
    ]);
  });

  it('fault-switches ignores a const a fault switch picks, and what only it reaches', async () => {
    const ig = await ignorer('fault-switches.mjs');
    const code = [
      "const cut = faults.has('first-text-node-only') ? 'comment' : undefined;",
      'const raw = (cut && hasChild(c, cut)) || plain(c);',
      "const fmt = faults.has('attribute-nameformat-basic') ? 'basic' : 'uri';",
    ].join('\n');
    const got = ignored(code, ig);
    expect(got).to.include('cut && hasChild(c, cut)');
    // A ternary in place keeps the mutants of its conformant branch.
    expect(got).to.include("'basic'");
    expect(got).not.to.include("'uri'");
  });

  it('disable comments in the protocol files are next-line only, each with its reason', () => {
    // A range (`// Stryker disable all` … `// Stryker restore all`) ends only where the restore comment
    // attaches to a node: one before a closing brace attaches to none, and the range runs to the end of
    // the file (it once took 213 mutants of sso.ts out of the score).
    for (const [file, src] of protocolFiles()) {
      for (const line of src.split('\n')) {
        if (!/Stryker (disable|restore)/.test(line)) continue;
        expect(line, file).to.match(/\/\/ Stryker disable next-line [\w,]+: \S.{20,}/);
      }
    }
  });

  it('the protocol files never branch on a text, so ignoring its wording hides no behaviour', () => {
    for (const [file, src] of protocolFiles()) {
      const truthy = src.match(/if \(!?(?:[\w.]+\.)?(?:malformed|problem|message)\)/g) ?? [];
      expect(truthy, `${file}: test a text with !== undefined, not its truthiness`).to.deep.equal([]);
    }
  });
});
