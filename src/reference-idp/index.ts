/**
 * The reference IdP: a second, independent SAML 2.0 IdP implementation (saml-web-sso and device-token
 * profiles) with named faults. It never imports from src/harness/.
 */
import { startReferenceIdp } from './server';
import type { ReferenceIdp } from './server';
import { FAULTS, MODES } from './faults';

export type { ReferenceIdpOptions, TenantInfo, ReferenceIdp } from './server';
export type { FaultInfo } from './faults';
export { startReferenceIdp, FAULTS, MODES };

const USAGE =
  'usage: reference-idp [--port N] [--host ADDR] [--fault NAME]... [--mode NAME]... [--throttle-window-ms N]';

/**
 * Standalone entry: argv like ['--port','8080','--fault','sign-with-sha1']. Prints one JSON line
 * {baseUrl, tenants} to stdout when listening, runs until SIGINT/SIGTERM, then closes and exits 0.
 * Bad flags: one-line message on stderr, exit 2.
 */
export async function main(argv: string[]): Promise<void> {
  const opts: { port?: number; host?: string; faults: string[]; modes: string[]; throttleWindowMs?: number } =
    {
      faults: [],
      modes: [],
    };
  const fail = (msg: string): void => {
    process.stderr.write(`reference-idp: ${msg}; ${USAGE}\n`);
    process.exitCode = 2;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const eq = flag.indexOf('=');
    const name = flag.startsWith('--') && eq > 0 ? flag.slice(0, eq) : flag;
    const value = flag.startsWith('--') && eq > 0 ? flag.slice(eq + 1) : argv[i + 1];
    const consumed = eq > 0 ? 0 : 1;
    if (name === '--help' || name === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (!['--port', '--host', '--fault', '--mode', '--throttle-window-ms'].includes(name))
      return fail(`unknown flag ${flag}`);
    if (value === undefined || value === '') return fail(`${name} needs a value`);
    i += consumed;
    if (name === '--port' || name === '--throttle-window-ms') {
      if (!/^\d+$/.test(value) || (name === '--port' && Number(value) > 65535))
        return fail(`${name} needs a number`);
      if (name === '--port') opts.port = Number(value);
      else opts.throttleWindowMs = Number(value);
    } else if (name === '--host') opts.host = value;
    else if (name === '--mode') opts.modes.push(...value.split(',').filter((v) => v !== ''));
    else opts.faults.push(...value.split(',').filter((v) => v !== ''));
  }
  let idp: ReferenceIdp;
  try {
    idp = await startReferenceIdp({
      ...opts,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  process.stdout.write(`${JSON.stringify({ baseUrl: idp.baseUrl, tenants: idp.tenants })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await idp.close();
  process.exit(0);
}

if (require.main === module) void main(process.argv.slice(2));
