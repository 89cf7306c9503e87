/**
 * Required by Stryker's mocha runner before the root-hook plugin (stryker.config.json): the specs run
 * against the embedded reference IdP in mutation mode (IDPC_MUTATION=1: only FAIL/WARN fail a test),
 * strict (IDPC_STRICT=1: a broken SHOULD kills too), each Stryker worker with its own report folder —
 * the workers share one sandbox, and a run cleans its evidence folder when it opens.
 */
import path from 'node:path';

const worker = process.env.STRYKER_MUTATOR_WORKER ?? 'main';
process.env.IDPC_MUTATION = '1';
process.env.IDPC_STRICT = '1';
process.env.IDPC_REPORT_DIR = path.resolve('reports', 'mutation-runs', `worker-${worker}`);
delete process.env.IDPC_TARGET;
