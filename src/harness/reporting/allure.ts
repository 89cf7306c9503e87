/**
 * Allure mapping, called from inside a running mocha test whose reporter is allure-mocha: labels and
 * requirement links from the check definition, the evidence transcript as one attachment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as allure from 'allure-js-commons';
import { EVIDENCE_TRANSCRIPT } from '../evidence/transcript';
import { requirementUrl } from '../requirements';
import type { CheckDef, CheckResult, Level } from '../types';

/** The mocha reporter module (pass as `reporter`, e.g. `new Mocha({ reporter: ALLURE_REPORTER })`). */
export const ALLURE_REPORTER: string = require.resolve('allure-mocha');

/**
 * reporterOptions for allure-mocha writing `*-result.json` files into resultsDir, through PlainWriter
 * (allure's own FileSystemWriter fsyncs, renames and unlinks a temp file and mkdirs for every file: ~70%
 * of a run's wall time on a busy disk, for reports that are rewritten by the next run anyway).
 */
export function allureReporterOptions(resultsDir: string): { resultsDir: string; writer: PlainWriter } {
  return { resultsDir, writer: new PlainWriter(resultsDir) };
}

/**
 * allure-js-commons' Writer, without fsync, temp files or a mkdir per file: one mkdir, then plain
 * writes. A crash mid-run leaves a partial allure-results/ — as it leaves a partial evidence/, and the
 * runner's conformance.json (written last) says whether the run completed.
 */
export class PlainWriter {
  private made = false;
  constructor(readonly resultsDir: string) {}
  private file(name: string): string {
    if (!this.made) {
      fs.mkdirSync(this.resultsDir, { recursive: true });
      this.made = true;
    }
    return path.join(this.resultsDir, name);
  }
  writeAttachment(name: string, content: Buffer | string): void {
    fs.writeFileSync(this.file(name), content);
  }
  /** A hard link to the file (the evidence transcript: no second copy written), else a copy. */
  writeAttachmentFromPath(name: string, from: string): void {
    const to = this.file(name);
    try {
      fs.linkSync(from, to);
    } catch {
      fs.copyFileSync(from, to);
    }
  }
  writeEnvironmentInfo(info: Record<string, string | undefined>): void {
    // Not configured by the runner; kept for the interface (allure's format: key=value lines).
    const lines = Object.entries(info).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
    fs.writeFileSync(this.file('environment.properties'), lines.join('\n'));
  }
  writeCategoriesDefinitions(categories: unknown): void {
    fs.writeFileSync(this.file('categories.json'), JSON.stringify(categories));
  }
  writeGroup(result: { uuid: string }): void {
    fs.writeFileSync(this.file(`${result.uuid}-container.json`), JSON.stringify(result));
  }
  writeResult(result: { uuid: string }): void {
    fs.writeFileSync(this.file(`${result.uuid}-result.json`), JSON.stringify(result));
  }
  writeGlobals(name: string, info: unknown): void {
    fs.writeFileSync(this.file(name), JSON.stringify(info));
  }
}

const SEVERITY: Record<Level, allure.Severity> = {
  MUST: allure.Severity.CRITICAL,
  SHOULD: allure.Severity.NORMAL,
  MAY: allure.Severity.MINOR,
};

export { requirementUrl };

/** True while a real Allure runtime (the allure-mocha reporter) is listening; otherwise calls are skipped. */
export function allureActive(): boolean {
  // allure-js-commons keeps the runtime a reporter installs under this global (setGlobalTestRuntime); its
  // no-op fallback prints a warning per call, which a run with another reporter should not get.
  const get = (globalThis as { allureTestRuntime?: () => unknown }).allureTestRuntime;
  const rt = typeof get === 'function' ? (get() as { sendMessage?: unknown } | undefined) : undefined;
  return typeof rt?.sendMessage === 'function';
}

/** The run's target as Allure parameters: part of each result's history ID, so two IdPs never fold into retries. */
export interface AllureTarget {
  name: string;
  baseUrl?: string;
  faults?: string[];
  /** The embedded reference IdP listens on a free port each run: its baseUrl is shown, not part of history. */
  embedded?: boolean;
}
let target: AllureTarget | undefined;

/** Set by the runner when a run opens (undefined to clear). */
export function setAllureTarget(t: AllureTarget | undefined): void {
  target = t;
}

/** The parameters annotateAllure adds: target, baseUrl (the metadata URL's origin), faults. */
export function allureTargetParameters(
  t: AllureTarget | undefined = target,
): [string, string, { excluded?: boolean }][] {
  if (!t) return [];
  const out: [string, string, { excluded?: boolean }][] = [['target', t.name, {}]];
  if (t.baseUrl) out.push(['baseUrl', t.baseUrl, t.embedded ? { excluded: true } : {}]);
  out.push(['faults', t.faults && t.faults.length > 0 ? t.faults.join(',') : 'none', {}]);
  return out;
}

/** Severity from the level, epic = profile, feature = family, a story and a link per requirement. */
export async function annotateAllure(def: CheckDef): Promise<void> {
  if (!allureActive()) return;
  await allure.severity(SEVERITY[def.level]);
  await allure.epic(def.profile);
  await allure.feature(def.family);
  for (const req of def.requirements) await allure.story(req);
  await allure.tag(def.level);
  await allure.label('checkId', def.id);
  for (const [name, value, options] of allureTargetParameters()) await allure.parameter(name, value, options);
  const links = def.requirements.flatMap((req) => {
    const url = requirementUrl(req);
    return url ? [{ url, name: req, type: allure.LinkType.DEFAULT as string }] : [];
  });
  if (links.length > 0) await allure.links(...links);
}

/**
 * The check's evidence as one text attachment: the transcript writeEvidence wrote (every HTTP exchange
 * and decoded SAML message, in order, redacted), linked into allure-results rather than written again.
 * `files` are the result's evidence paths, relative to reportDir.
 */
export async function attachEvidence(
  reportDir: string,
  files: readonly string[],
  items: number,
): Promise<void> {
  const transcript = files.find((f) => path.posix.basename(f) === EVIDENCE_TRANSCRIPT);
  if (!allureActive() || transcript === undefined) return;
  const name = `evidence: ${items} ${items === 1 ? 'item' : 'items'}`;
  await allure.attachmentPath(name, path.join(reportDir, ...transcript.split('/')), {
    contentType: allure.ContentType.TEXT,
    fileExtension: 'txt',
  });
}

interface AllureResultFile {
  status?: string;
  statusDetails?: { message?: string; trace?: string };
  labels?: { name: string; value: string }[];
  description?: string;
  parameters?: { name: string; value: string }[];
}

/**
 * After the run, from the final results: a BLOCKED check's Allure result says by which root (label
 * `blockedBy`, status skipped with the reason), a root's says what it blocked (parameter `blocks` and
 * its description), and a check whose BLOCKED was lifted carries its own failure. Roots and blocked
 * checks run in any order, so this cannot happen while each test runs.
 */
export function annotateAllureResults(resultsDir: string, results: readonly CheckResult[]): void {
  if (!fs.existsSync(resultsDir)) return;
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const name of fs.readdirSync(resultsDir)) {
    if (!name.endsWith('-result.json')) continue;
    const file = path.join(resultsDir, name);
    let json: AllureResultFile;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8')) as AllureResultFile;
    } catch {
      continue;
    }
    const id = json.labels?.find((l) => l.name === 'checkId')?.value;
    const r = id ? byId.get(id) : undefined;
    if (!r) continue;
    let changed = false;
    if (r.outcome === 'BLOCKED' && r.blockedBy) {
      json.status = 'skipped';
      json.statusDetails = { message: `BLOCKED ${r.message}` };
      json.labels = [...(json.labels ?? []), { name: 'blockedBy', value: r.blockedBy }];
      changed = true;
    } else if (json.status === 'skipped' && (r.outcome === 'FAIL' || r.outcome === 'WARN')) {
      json.status = r.outcome === 'FAIL' ? 'failed' : 'passed'; // as a WARN's own test does
      json.statusDetails = { message: `${r.outcome}: ${r.message}` };
      changed = true;
    }
    if (r.blocks?.length) {
      const list = r.blocks.join(', ');
      json.parameters = [...(json.parameters ?? []), { name: 'blocks', value: String(r.blocks.length) }];
      json.description = `${json.description ? `${json.description}\n\n` : ''}Root failure: blocks ${r.blocks.length} checks (BLOCKED, not judged): ${list}`;
      changed = true;
    }
    if (changed) fs.writeFileSync(file, JSON.stringify(json));
  }
}
