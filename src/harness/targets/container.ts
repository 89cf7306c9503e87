/**
 * start.container: runs the target IdP in a Docker container through testcontainers (11.x: 12.x needs
 * Node 22). Ports are published on 127.0.0.1 only, at fixed host ports so the config can name the IdP's
 * URLs; the container's output is kept as the target log; stop() always removes the container, also on
 * Ctrl-C (onExitStop). Ryuk (testcontainers' reaper) is off unless TESTCONTAINERS_RYUK_DISABLED says
 * otherwise: it needs an image from Docker Hub, and the driver removes its containers itself.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { HarnessError } from '../types';
import { oneLine } from './config-check';
import type { ContainerStartConfig } from './config-types';
import { onExitStop, type StartedTarget } from './process';

type Testcontainers = typeof import('testcontainers');
type RuntimeClient = Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>;

/** Created by .ci/docker.sh: a bridge network whose published ports bind 127.0.0.1. */
export const LOOPBACK_NETWORK = 'idpc-loopback';
/** .ci/docker.sh writes here why Docker could not be made to work. */
export const DOCKER_UNAVAILABLE_FILE = '/tmp/idpc-docker-unavailable';
/** Every container the driver creates carries this label (value: one ID per start), for removal. */
export const RUN_LABEL = 'org.idp-conformance.run';
const DEFAULT_STARTUP_TIMEOUT_MS = 120_000;
const MAX_LOG = 512 * 1024;

const DOCKER_FIX =
  'start the Docker daemon (as root, `bash .ci/docker.sh` installs and starts it and builds local/ssp-idp:1) ' +
  'or set DOCKER_HOST; or start the IdP with start.process';

/** Why Docker is unusable, in one line: .ci/docker.sh's reason if it left one, else what the probe saw. */
export function dockerUnavailableReason(probeError?: string): string {
  try {
    const mark = fs.readFileSync(DOCKER_UNAVAILABLE_FILE, 'utf8').trim();
    if (mark) return oneLine(mark);
  } catch {
    // no reason recorded
  }
  if (!process.env.DOCKER_HOST && !fs.existsSync('/var/run/docker.sock'))
    return 'no Docker daemon: /var/run/docker.sock does not exist and DOCKER_HOST is not set';
  return oneLine(probeError ?? 'the Docker daemon does not answer');
}

function message(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e)).slice(0, 400);
}

async function runtimeClient(tc: Testcontainers): Promise<RuntimeClient> {
  try {
    const client = await tc.getContainerRuntimeClient();
    await client.container.dockerode.ping();
    return client;
  } catch (e) {
    throw new HarnessError(
      'ERR_DOCKER_UNAVAILABLE',
      `start.container: Docker is not available (${dockerUnavailableReason(message(e))})`,
      DOCKER_FIX,
    );
  }
}

/** Starts cfg.image, waits until it is ready, and returns it; stop() removes it. */
export async function startContainer(cfg: ContainerStartConfig): Promise<StartedTarget> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // Waits (and getHost) go to 127.0.0.1, where the ports are published; "localhost" may resolve to ::1.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const tc: Testcontainers = await import('testcontainers');
  const client = await runtimeClient(tc);
  const docker = client.container.dockerode;
  const runId = randomUUID();
  const t0 = Date.now();

  let output = '';
  const keep = (s: string) => {
    if (output.length < MAX_LOG) output += s;
  };
  const note = (line: string) => keep(`[idp-conformance] ${line}\n`);

  // Removes every container of this start (found by label, so also one whose creation raced a Ctrl-C).
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      let list: { Id: string }[];
      try {
        list = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
      } catch (e) {
        process.stderr.write(`start.container: could not list containers to remove (${message(e)})\n`);
        return;
      }
      for (const c of list) {
        try {
          await docker.getContainer(c.Id).remove({ force: true, v: true });
          note(`container ${c.Id.slice(0, 12)} removed`);
        } catch (e) {
          const status = (e as { statusCode?: number }).statusCode;
          if (status === 404 || status === 409) continue; // gone, or already being removed
          process.stderr.write(
            `start.container: could not remove container ${c.Id.slice(0, 12)} (${message(e)}) — ` +
              `docker rm -f ${c.Id.slice(0, 12)}\n`,
          );
        }
      }
    })());
  onExitStop(stop);

  const imageLocal = await client.image.exists(tc.ImageName.fromString(cfg.image)).catch(() => false);
  if (!imageLocal) note(`image ${cfg.image} is not on this machine: pulling it`);
  const network = await docker
    .getNetwork(LOOPBACK_NETWORK)
    .inspect()
    .then(
      () => LOOPBACK_NETWORK,
      () => undefined,
    );

  // Every published port binds 127.0.0.1, also on a network without host_binding_ipv4 (the default bridge).
  class LoopbackContainer extends tc.GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      const bindings = (this.hostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string }[]>;
      for (const list of Object.values(bindings)) for (const b of list) b.HostIp = '127.0.0.1';
    }
  }

  const timeoutMs = cfg.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const waitPort = cfg.waitFor?.port ?? cfg.ports[0]!.container; // the schema requires one port (min(1))
  const wait = cfg.waitFor?.http
    ? tc.Wait.forHttp(cfg.waitFor.http, waitPort, { abortOnContainerExit: true }).forStatusCodeMatching(
        (s) => s < 500,
      )
    : tc.Wait.forListeningPorts();
  let container = new LoopbackContainer(cfg.image)
    .withExposedPorts(...cfg.ports.map((p) => ({ container: p.container, host: p.host })))
    .withEnvironment(cfg.env ?? {})
    .withLabels({ [RUN_LABEL]: runId })
    .withWaitStrategy(wait)
    .withStartupTimeout(timeoutMs)
    .withLogConsumer((stream) => {
      stream.on('data', (d: Buffer | string) => keep(typeof d === 'string' ? d : d.toString('utf8')));
      stream.on('error', () => undefined);
    });
  if (network) container = container.withNetworkMode(network);

  const published = cfg.ports.map((p) => `127.0.0.1:${p.host}->${p.container}`).join(', ');
  let id: string;
  try {
    id = (await container.start()).getId();
  } catch (e) {
    const dead = await postMortem(docker, runId);
    if (dead.logs && !output.includes(dead.logs.trim())) keep(dead.logs);
    await stop();
    throw startError(cfg, e, imageLocal, timeoutMs, output, dead.exitCode);
  }
  note(
    `container ${id.slice(0, 12)} (${cfg.image}) ready in ${Date.now() - t0} ms: ${published}` +
      `${network ? `, network ${network}` : ''}`,
  );
  return { log: () => output, stop };
}

type Docker = RuntimeClient['container']['dockerode'];

/** After a failed start: whether the container has exited (its code), and its last output. */
async function postMortem(docker: Docker, runId: string): Promise<{ exitCode?: number; logs: string }> {
  try {
    const [c] = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
    if (!c) return { logs: '' };
    const handle = docker.getContainer(c.Id);
    const info = await handle.inspect();
    const raw = (await handle.logs({ stdout: true, stderr: true, tail: 20, follow: false })) as Buffer;
    const exitCode = info.State.Running || info.State.Status === 'created' ? undefined : info.State.ExitCode;
    return { exitCode, logs: info.Config.Tty ? raw.toString('utf8') : demux(raw) };
  } catch {
    return { logs: '' };
  }
}

/** Docker's multiplexed log format (no TTY): frames of [stream, 0, 0, 0, size (4 bytes BE)] + payload. */
export function demux(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return out;
}

function startError(
  cfg: ContainerStartConfig,
  e: unknown,
  imageLocal: boolean,
  timeoutMs: number,
  output: string,
  exitCode?: number,
): HarnessError {
  const msg = message(e);
  const tail = oneLine(
    output
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('[idp-conformance]'))
      .slice(-5)
      .join(' | '),
  ).slice(-600);
  const last = tail ? `; last output: ${tail}` : '';
  if (/port is already allocated|address already in use/i.test(msg)) {
    return new HarnessError(
      'ERR_TARGET_START',
      `start.container.ports: a host port is already in use (${msg})`,
      'stop what listens there (ss -ltnp), or change the host port and the URLs that name it',
    );
  }
  if (!imageLocal && /pull|manifest|not found|no such image|registry|repository/i.test(msg)) {
    return new HarnessError(
      'ERR_TARGET_START',
      `start.container.image: ${cfg.image} is not on this machine and could not be pulled (${msg})`,
      'build it (bash .ci/docker.sh builds local/ssp-idp:1) or docker pull it',
    );
  }
  if (exitCode !== undefined || /container exited/i.test(msg)) {
    const code = exitCode !== undefined ? ` with code ${exitCode}` : '';
    return new HarnessError(
      'ERR_TARGET_START',
      `start.container: ${cfg.image} exited${code} before it was ready${last || ` (${msg})`}`,
      'fix what its output says (start.container.env?), or run the image by hand: docker run --rm ...',
    );
  }
  if (/not accessible|timed out|timeout|not ready|ports? .*not bound/i.test(msg)) {
    return new HarnessError(
      'ERR_TARGET_START',
      `start.container.waitFor: ${cfg.image} was not ready within ${timeoutMs} ms (${msg})${last}`,
      'check the container output above, or raise start.container.startupTimeoutMs',
    );
  }
  return new HarnessError(
    'ERR_TARGET_START',
    `start.container: ${cfg.image} failed to start (${msg})${last}`,
    'run the image by hand (docker run --rm ...) to see why',
  );
}
