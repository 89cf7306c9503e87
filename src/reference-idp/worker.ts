/**
 * The reference IdP in a worker thread: `idp-conformance run` without --target starts it here, so its
 * CPU (parsing, signing, verifying requests, HTTP) runs on another core beside the harness's, as an
 * external IdP would. Protocol: workerData {faults, modes}; the worker posts {ok: {baseUrl, tenants}}
 * (the cloneable fields) or {error: message}; on 'close' it closes the IdP and posts 'closed'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startReferenceIdp, type ReferenceIdp } from './server';

interface Start {
  faults: string[];
  modes: string[];
}

async function run(port: NonNullable<typeof parentPort>): Promise<void> {
  const { faults, modes } = workerData as Start;
  let idp: ReferenceIdp;
  try {
    idp = await startReferenceIdp({ faults, modes });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    return;
  }
  const tenants = Object.fromEntries(
    Object.entries(idp.tenants).map(([name, t]) => [
      name,
      {
        name: t.name,
        entityId: t.entityId,
        metadataUrl: t.metadataUrl,
        ssoUrl: t.ssoUrl,
        adminBaseUrl: t.adminBaseUrl,
        adminKey: t.adminKey,
        cloudName: t.cloudName,
        userDomain: t.userDomain,
        users: t.users,
      },
    ]),
  );
  port.on('message', (m: unknown) => {
    if (m !== 'close') return;
    idp.close().then(
      () => port.postMessage('closed'),
      () => port.postMessage('closed'),
    );
  });
  port.postMessage({ ok: { baseUrl: idp.baseUrl, faults: idp.faults, tenants } });
}

if (parentPort) void run(parentPort);
