/**
 * `npm run schema`: writes schema/target.schema.json, the JSON Schema of a target config file, derived from
 * the zod schema (src/harness/targets/config-schema.ts). test/unit/config-schema.test.ts fails when the
 * committed file and the schema differ.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'prettier';
import { repoRoot } from '../src/harness/paths';
import { targetJsonSchema } from '../src/harness/targets/config-schema';

export const TARGET_SCHEMA_FILE = path.join(repoRoot(), 'schema', 'target.schema.json');

async function main(): Promise<void> {
  const text = await format(JSON.stringify(targetJsonSchema()), {
    parser: 'json',
    printWidth: 110,
  });
  fs.mkdirSync(path.dirname(TARGET_SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(TARGET_SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), TARGET_SCHEMA_FILE)}`);
}

if (require.main === module) void main();
