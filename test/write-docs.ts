/**
 * `npm run docs`: rewrites the check counts in the docs (`<!-- count:KEY -->N<!-- /count -->`, see
 * test/docs-counts.ts) and the check lists of the profile documents (the "Checked by" lines of
 * docs/profiles/device-token.md, the check column of the coverage table in docs/profiles/saml-web-sso.md,
 * see test/docs-lists.ts) from `idp-conformance list --json`, and docs/findings.md from the finding-code
 * registry (src/harness/findings.ts). test/unit/docs.test.ts fails when one is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, docFiles, listChecks, withCounts } from './docs-counts';
import { withCheckLists } from './docs-lists';
import { findingsMarkdown } from '../src/harness/findings';

/** The generated list of finding codes (docs.test compares it with findingsMarkdown()). */
export const FINDINGS_DOC = 'docs/findings.md';

function main(): void {
  const checks = listChecks();
  for (const rel of docFiles()) {
    const file = path.join(ROOT, rel);
    const text = fs.readFileSync(file, 'utf8');
    const next = withCheckLists(rel, withCounts(text, checks), checks);
    if (next !== text) {
      fs.writeFileSync(file, next);
      console.log(`updated ${rel}`);
    }
  }
  const findings = path.join(ROOT, FINDINGS_DOC);
  const md = findingsMarkdown();
  if (!fs.existsSync(findings) || fs.readFileSync(findings, 'utf8') !== md) {
    fs.writeFileSync(findings, md);
    console.log(`updated ${FINDINGS_DOC}`);
  }
}

if (require.main === module) main();
