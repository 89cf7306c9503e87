/**
 * The layers hold: no import cycle between files or folders of src/ and specs/, and no file in src/
 * over MAX_LINES lines unless its opening comment says why ("Long file: …"). The import rules per
 * layer (specs → harness index → checks/roles/messages → xml; the reference IdP's independence) are
 * ESLint's no-restricted-imports in eslint.config.js; this test covers what a lint rule cannot: cycles.
 * Specs compose scenarios only: no XPath or element path typed in a spec (its `where` comes from the
 * reader's WHERE map), no HTTP (node:http/https, fetch) and no crypto (node:crypto) in a spec, and no
 * edit of the DeviceContext XML (named edits that must change it: messages/device-context.ts).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../../src/harness/paths';

const ROOT = repoRoot();
const MAX_LINES = 400;

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? tsFiles(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.posix.join(dir.split(path.sep).join('/'), e.name)]
          : [],
    );
}

/** Repo-relative file → the repo-relative files it imports (static, type-only, re-export and dynamic). */
function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap(tsFiles)) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    const targets: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
      const hit = [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c)));
      if (hit && !targets.includes(hit)) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one node (Tarjan), each as a sorted list. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/**
 * The folder a file belongs to for the folder graph. Files directly in src/harness/ are units of their
 * own: that folder holds both the shared types (types.ts, paths.ts) and the top layer (cli, runner, …).
 */
function unitOf(file: string): string {
  const dir = path.posix.dirname(file);
  return dir === 'src/harness' ? file : dir;
}

function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    const list = out.get(from) ?? [];
    for (const t of targets) {
      const to = unitOf(t);
      if (to !== from && !list.includes(to)) list.push(to);
    }
    out.set(from, list);
  }
  return out;
}

function describeCycle(graph: Map<string, string[]>, comp: string[]): string {
  const edges = comp.flatMap((a) =>
    (graph.get(a) ?? []).filter((b) => comp.includes(b)).map((b) => `${a} → ${b}`),
  );
  return edges.join('; ');
}

describe('architecture', () => {
  const graph = importGraph(['src', 'specs']);

  it('walks the imports of src/ and specs/', () => {
    expect(graph.size).to.be.greaterThan(50);
    expect(graph.get('src/harness/runner.ts')).to.include('src/harness/types.ts');
  });

  it('has no import cycle between files', () => {
    expect(cycles(graph).map((c) => describeCycle(graph, c))).to.deep.equal([]);
  });

  it('has no import cycle between folders', () => {
    const folders = folderGraph(graph);
    expect(cycles(folders).map((c) => describeCycle(folders, c))).to.deep.equal([]);
  });

  it('keeps the reference IdP independent both ways (only the CLI starts it)', () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) =>
          file.startsWith('src/reference-idp/')
            ? !t.startsWith('src/reference-idp/')
            : file !== 'src/harness/cli.ts' && t.startsWith('src/reference-idp/'),
        )
        .map((t) => `${file} → ${t}`),
    );
    expect(crossing).to.deep.equal([]);
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(g)).to.deep.equal([['a', 'b', 'c']]);
  });

  it(`has no file in src/ over ${MAX_LINES} lines without a reason in its opening comment`, () => {
    const long = tsFiles('src').flatMap((file) => {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const lines = text.split('\n').length;
      if (lines <= MAX_LINES) return [];
      const opening = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
      return /Long file: \S/.test(opening) ? [] : [`${file} (${lines} lines)`];
    });
    expect(long, 'split the file, or say why in its opening comment ("Long file: …")').to.deep.equal([]);
  });

  describe('specs compose scenarios only', () => {
    /** A spec's code without its comments (a quoted sentence may name an element). */
    const code = (file: string) =>
      fs
        .readFileSync(path.join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
    const specs = tsFiles('specs').filter((f) => f.endsWith('.spec.ts'));
    const offending = (pattern: RegExp) =>
      specs.flatMap((file) =>
        code(file)
          .split('\n')
          .filter((line) => pattern.test(line))
          .map((line) => `${file}: ${line.trim()}`),
      );

    it('finds the spec files', () => expect(specs.length).to.be.greaterThan(10));

    it('types no XPath or element path (use WHERE from the harness index)', () => {
      const PATH =
        /['"`]\/{0,2}(?:saml|samlp|md|ds|dt|shibmd|mdattr|mdui|xenc|xenc11):[A-Za-z]|['"`][^'"`\s]*\/@[A-Za-z]/;
      expect(PATH.test("v.equal('x', a, b, '/samlp:Response/@ID')")).to.equal(true);
      expect(PATH.test("'md:Extensions/shibmd:Scope'")).to.equal(true);
      expect(offending(PATH)).to.deep.equal([]);
    });

    it('edits no DeviceContext XML (named edits: deviceContextEdits from the harness index)', () => {
      const DC_EDIT = /\.replace\([^\n]*dt:/;
      expect(DC_EDIT.test("(x) => x.replace(/<dt:Hostname>[^<]*</, '<dt:Hostname><')")).to.equal(true);
      expect(offending(DC_EDIT)).to.deep.equal([]);
    });

    it('edits no SAML XML with .replace( (named edits: requestEdits from the harness index)', () => {
      // A .replace( on a line that names an XML tag or sets an XML attribute; a URL edit stays allowed.
      const XML_EDIT = /\.replace\([^\n]*(?:<\/?[A-Za-z]|\b[A-Z][A-Za-z]*=\\?")/;
      expect(XML_EDIT.test(`(x) => x.replace(/ ID="[^"]*"/, ' ID="_1"')`)).to.equal(true);
      expect(XML_EDIT.test("x.replace('<saml:Issuer>', '<saml:Issuer ID=\"_i\">')")).to.equal(true);
      expect(XML_EDIT.test('.replace(/ForceAuthn="[^"]*"/, \'\')')).to.equal(true);
      expect(XML_EDIT.test("`${sso.replace(/\\/$/, '')}/other`")).to.equal(false);
      expect(offending(XML_EDIT)).to.deep.equal([]);
    });

    it('imports no node:http, node:https or node:crypto and calls no fetch', () => {
      const NET =
        /from ['"](?:node:)?(?:https?|crypto|http2|net|tls)['"]|require\(['"](?:node:)?(?:https?|crypto)['"]\)|\bfetch\(/;
      expect(NET.test("import { randomBytes } from 'node:crypto';")).to.equal(true);
      expect(offending(NET)).to.deep.equal([]);
    });
  });
});
