/**
 * `npm run docs`: rewrites the check counts in the docs (`<!-- count:KEY -->N<!-- /count -->`, see
 * test/docs-counts.ts) from `idp-conformance list --json`. test/unit/docs.test.ts fails when one is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, docFiles, listChecks, withCounts } from './docs-counts';

function main(): void {
  const checks = listChecks();
  for (const rel of docFiles()) {
    const file = path.join(ROOT, rel);
    const text = fs.readFileSync(file, 'utf8');
    const next = withCounts(text, checks);
    if (next !== text) {
      fs.writeFileSync(file, next);
      console.log(`updated ${rel}`);
    }
  }
}

if (require.main === module) main();
