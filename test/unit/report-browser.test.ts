/**
 * report.html in a real browser: Debian's headless Chromium (/usr/bin/chromium) driven by playwright-core
 * (no browser download). The page loads with no console error and no request beyond itself, shows the
 * counts, filters, opens a failure with its evidence, and a hostile Response runs no script. Screenshots
 * are kept under reports/browser/. Without Chromium the tests are skipped, saying why (CI installs it).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { Redactor } from '../../src/harness/evidence/redact';
import { writeEvidence } from '../../src/harness/evidence/transcript';
import { writeConformanceJson } from '../../src/harness/reporting/json';
import { writeMatrix } from '../../src/harness/reporting/matrix';
import { writeReportHtml } from '../../src/harness/reporting/report-html';
import { summarize } from '../../src/harness/reporting/summary';
import { exitCodeOf } from '../../src/harness/runner';
import type { CheckResult, EvidenceItem, Outcome, RunReport } from '../../src/harness/types';
import { ROOT } from '../fixtures-build/responses';

const CHROMIUM = process.env.IDPC_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'reports', 'browser');
const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3"></svg></pre></details>`;

function chromiumMissing(): string | undefined {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;
  }
}

interface Loaded {
  page: Page;
  consoleErrors: string[];
  requests: string[];
}

async function open(ctx: BrowserContext, file: string): Promise<Loaded> {
  const page = await ctx.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, consoleErrors, requests };
}

/** A synthetic run: one FAIL with a hostile Response as evidence, one BLOCKED by it, a KNOWN, a PASS. */
function hostileReport(dir: string): string {
  const items: EvidenceItem[] = [
    {
      kind: 'http',
      label: `POST /acs (SAMLResponse to the gateway ACS) ${HOSTILE}`,
      at: '2030-01-02T03:04:05.000Z',
      http: {
        direction: 'client->gateway',
        method: 'POST',
        url: 'http://127.0.0.1:7400/acs',
        requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
        requestBody: `SAMLResponse=${encodeURIComponent(Buffer.from(HOSTILE).toString('base64'))}`,
        status: 400,
        responseHeaders: { 'content-type': 'text/html' },
        responseBody: `<html><body>${HOSTILE}</body></html>`,
      },
    },
    {
      kind: 'saml',
      label: 'Response received at the ACS',
      at: '2030-01-02T03:04:05.000Z',
      saml: {
        messageType: 'Response',
        binding: 'HTTP-POST',
        xml: `<samlp:Response><saml:Issuer>idp</saml:Issuer><!-- ${HOSTILE} --><saml:AttributeValue><![CDATA[</script><script>window.__pwned=4</script>]]></saml:AttributeValue></samlp:Response>`,
      },
    },
  ];
  const evidence = writeEvidence(dir, 'SAMLCore-3.2.1-destination-mismatch', items, new Redactor());
  const r = (id: string, outcome: Outcome, over: Partial<CheckResult> = {}): CheckResult => ({
    id,
    title: `title ${HOSTILE}`,
    profile: 'saml-web-sso',
    family: 'response',
    level: 'MUST',
    requirements: ['SAMLCore-3.2.1'],
    outcome,
    message: outcome === 'PASS' ? 'conformant' : `SAMLCore-3.2.1: ${HOSTILE}`,
    durationMs: 3,
    evidence: [],
    ...over,
  });
  const results = [
    r('SAMLCore-3.2.1-destination-mismatch', 'FAIL', { expected: 'refused', actual: HOSTILE, evidence }),
    Object.assign(r('SAMLCore-3.2.2-status', 'BLOCKED' as Outcome), {
      blockedBy: 'SAMLCore-3.2.1-destination-mismatch',
    }),
    r('SDP-IDP09-signed', 'KNOWN', { expectation: { expect: 'FAIL', reason: HOSTILE } }),
    r('SAMLCore-1.3.3-times', 'PASS', { profile: 'device-token', family: 'token' }),
  ];
  const report: RunReport = {
    schemaVersion: 2,
    harness: { name: 'idp-conformance', version: '0.0.0', node: process.version },
    target: { name: `hostile ${HOSTILE}`, faults: [HOSTILE] },
    profiles: ['saml-web-sso', 'device-token'],
    startedAt: '2030-01-02T03:04:05.000Z',
    durationMs: 10,
    strict: false,
    summary: summarize(results),
    results,
    exitCode: exitCodeOf(results),
  };
  writeConformanceJson(dir, report);
  return writeReportHtml(dir, report);
}

function runCli(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'idp-conformance.js'), ...args], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

describe('report.html in headless Chromium', function () {
  this.timeout(180_000);
  let ctx: BrowserContext | undefined;
  let profileDir: string;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      console.log(`    report.html browser tests skipped: ${missing}`);
      this.skip();
    }
    const { chromium } = await import('playwright-core');
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-chromium-'));
    ctx = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    fs.mkdirSync(OUT, { recursive: true });
  });

  after(async () => {
    await ctx?.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  it('a real run (a reference-IdP fault): no console error, counts shown, a failure opens with its evidence', async () => {
    const dir = path.join(OUT, 'run');
    const code = await runCli([
      'run',
      '--grep',
      'SAMLCore-3.2',
      '--fault',
      'ignore-destination',
      '--report-dir',
      dir,
    ]);
    expect(code, 'the fault makes the run fail').to.equal(1);
    const { page, consoleErrors, requests } = await open(ctx!, path.join(dir, 'report.html'));
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as RunReport;
    const fails = report.results.filter((r) => r.outcome === 'FAIL').length;
    expect(fails).to.be.greaterThan(0);
    expect(await page.locator('#count-FAIL b').textContent()).to.equal(String(fails));
    expect(await page.locator('#count-all b').textContent()).to.equal(String(report.results.length));
    const first = page.locator('details.check').first();
    expect(await first.getAttribute('data-outcome')).to.equal('FAIL');
    await first.locator(':scope > summary').click();
    expect(await first.evaluate((d) => (d as unknown as { open: boolean }).open)).to.equal(true);
    expect(await first.locator('.requirements q').first().isVisible()).to.equal(true);
    const ev = first.locator('details.ev').first();
    await ev.locator(':scope > summary').click();
    expect(await ev.locator('pre').first().isVisible()).to.equal(true);
    await page.locator('#count-FAIL').click();
    expect(await page.locator('#shown').textContent()).to.equal(
      `showing ${fails} of ${report.results.length} ${report.results.length === 1 ? 'check' : 'checks'}`,
    );
    await page.screenshot({ path: path.join(OUT, 'report-run.png'), fullPage: false });
    expect(consoleErrors).to.deep.equal([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).to.deep.equal([]);
  });

  it('a hostile Response runs no script and adds no markup; filters by profile and family work', async () => {
    const dir = path.join(OUT, 'hostile');
    fs.rmSync(dir, { recursive: true, force: true });
    const file = hostileReport(dir);
    const { page, consoleErrors, requests } = await open(ctx!, file);
    await page.locator('#expand').click();
    await page.locator('details.ev summary').first().click();
    await page.locator('details.ev summary').nth(1).click();
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).to.equal(
      undefined,
    );
    expect(await page.locator('img, svg, iframe').count()).to.equal(0);
    expect(await page.locator('script').count()).to.equal(1);
    expect(await page.locator('details.check').count()).to.equal(4);
    expect(await page.locator('#count-BLOCKED b').textContent()).to.equal('1');
    // The hostile text is shown as text.
    expect(await page.locator('details.check').first().locator('.message').textContent()).to.include(
      '<script>window.__pwned=1</script>',
    );
    await page.locator('#f-profile').selectOption('device-token');
    expect(await page.locator('#shown').textContent()).to.equal('showing 1 of 4 checks');
    await page.locator('#f-profile').selectOption('');
    await page.locator('#f-family').selectOption('response');
    expect(await page.locator('#shown').textContent()).to.equal('showing 3 of 4 checks');
    await page.locator('details.check').first().locator('.blocks a').click();
    expect(
      await page
        .locator('#check-SAMLCore-3_2_2-status')
        .evaluate((d) => (d as unknown as { open: boolean }).open),
    ).to.equal(true);
    await page.screenshot({ path: path.join(OUT, 'report-hostile.png'), fullPage: false });
    expect(consoleErrors).to.deep.equal([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).to.deep.equal([]);
  });

  it('matrix.html of both runs: no console error, columns by target and faults, a cell opens the check in its run', async function () {
    const runs = ['run', 'hostile'].map((d) => path.join(OUT, d, 'conformance.json'));
    if (!runs.every((f) => fs.existsSync(f))) this.skip();
    const [, file = 'missing'] = writeMatrix(runs, path.join(OUT, 'matrix'));
    const { page, consoleErrors, requests } = await open(ctx!, file);
    expect(await page.locator('th.col .faults').first().textContent()).to.equal('faults: ignore-destination');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).to.equal(
      undefined,
    );
    await page.locator('#f-differs').check();
    expect(await page.locator('#shown').textContent()).to.match(/^showing \d+ of \d+ checks$/);
    await page.screenshot({ path: path.join(OUT, 'matrix.png'), fullPage: false });
    await page.locator('#f-differs').uncheck();
    await page.locator('td.o-FAIL a.o').first().click();
    await page.waitForURL(/report\.html#check-/);
    const opened = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { querySelector(s: string): { open: boolean; id: string } | null };
        }
      ).document;
      return d.querySelector('details.check[open]')?.id;
    });
    expect(opened).to.match(/^check-SAMLCore-3_2_1/);
    expect(consoleErrors).to.deep.equal([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).to.deep.equal([]);
  });
});
