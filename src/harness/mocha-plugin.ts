/**
 * The mocha root-hook plugin: lets plain mocha run the specs, e.g.
 *   npx mocha --require dist/src/harness/mocha-plugin.js 'dist/specs/saml-web-sso/*.spec.js'
 * Target from IDPC_TARGET (a config file; default: the embedded reference IdP), reports to
 * IDPC_REPORT_DIR (default reports/); IDPC_STRICT=1 as --strict; IDPC_NO_PREFLIGHT=1 as --no-preflight;
 * IDPC_MUTATION=1 for mutation analysis (see RunContext.mutation; no preflight: a mutant that breaks
 * the control login must be killed by the checks, not hidden by a stopped run). `idp-conformance run` does the same with its own mocha instance.
 */
import path from 'node:path';
import { hasRunContext } from './run-context';
import { openRun, type OpenRun } from './runner';
import { loadTargetConfig, embeddedTargetConfig } from './targets/config';
import { formatConsoleSummary } from './reporting/summary';

let run: OpenRun | undefined;
let embedded: { close(): Promise<void> } | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    if (hasRunContext()) return; // the CLI already opened the run
    this.timeout(120_000);
    const reportDir = path.resolve(process.env.IDPC_REPORT_DIR ?? 'reports');
    const file = process.env.IDPC_TARGET;
    let config;
    if (file) config = loadTargetConfig(path.resolve(file));
    else {
      // Importing the CLI keeps the rule: only the CLI layer starts the reference IdP.
      const { startEmbedded } = await import('./cli');
      const idp = await startEmbedded([], [], { inProcess: true });
      embedded = idp;
      const t = idp.tenants;
      config = embeddedTargetConfig({
        baseUrl: idp.baseUrl,
        web: t.web,
        acme: t.acme,
        globex: t.globex,
      } as never);
    }
    const mutation = process.env.IDPC_MUTATION === '1';
    run = await openRun({
      config,
      strict: process.env.IDPC_STRICT === '1',
      mutation,
      preflight: !mutation && process.env.IDPC_NO_PREFLIGHT !== '1',
      reportDir,
    });
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    if (!run) return;
    this.timeout(60_000);
    const report = await run.finish();
    await embedded?.close();
    process.stdout.write(`\n${formatConsoleSummary(report)}\n`);
  },
};
