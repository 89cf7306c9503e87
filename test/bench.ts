/**
 * `npm run bench`, from one invocation, on this machine as it is (say the load: `uptime`):
 * - `npm run conformance` as a user types it (the build check included) and the run alone
 *   (`node bin/idp-conformance.js run`): median wall of 3 interleaved runs, CPU seconds, peak RSS (of the
 *   run's node process), HTTP exchanges per second, checks;
 * - the device-token profile against the reference IdP as an external process, beside the bare client
 *   (test/bench/bare-client.ts) doing the same number of silent logins against another fresh one:
 *   median wall of 3, and their ratio (≤ 1.0: the harness is no slower than the bare floor).
 * Peak RSS and CPU come from test/bench/probe.ts preloaded into every node process of the command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RunReport } from '../src/harness/types';
import type { ProbeLine } from './bench/probe';
import type { Tenant } from './bench/bare-client';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'idp-conformance.js');
const PROBE = path.join(__dirname, 'bench', 'probe.js');
const BARE = path.join(__dirname, 'bench', 'bare-client.js');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'idpc-bench-'));

interface Measured {
  ms: number;
  cpuS?: number;
  rssMb?: number;
  stdout: string;
  code: number | null;
}

let seq = 0;
/** Runs a command; wall from here, CPU and peak RSS from the probe line of the process `main` names. */
function measure(cmd: string, args: string[], main: string): Promise<Measured> {
  const probe = path.join(TMP, `probe-${++seq}.jsonl`);
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, IDPC_BENCH_PROBE: probe, NODE_OPTIONS: `--require ${PROBE}` },
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const lines = existsSync(probe)
        ? readFileSync(probe, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as ProbeLine)
        : [];
      const p = lines.find((l) => l.argv.some((a) => a.endsWith(main)));
      resolve({ ms, cpuS: p?.cpuS, rssMb: p ? p.maxRssKb / 1024 : undefined, stdout, code });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (xs: (number | undefined)[], d = 2) => median(xs.map((x) => x ?? NaN)).toFixed(d);

function report(dir: string): RunReport {
  return JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as RunReport;
}

/** Distinct device-token AuthnRequests a run sent (shared flows appear in several checks' evidence). */
function loginsOf(dir: string): number {
  const ids = new Set<string>();
  const ev = path.join(dir, 'evidence');
  for (const check of readdirSync(ev)) {
    const file = path.join(ev, check, 'items.json');
    if (!existsSync(file)) continue;
    for (const item of JSON.parse(readFileSync(file, 'utf8')) as {
      label?: string;
      http?: { method?: string; requestBody?: string };
      saml?: { xml?: string };
    }[]) {
      if (item.label !== 'device-token AuthnRequest' || !item.saml?.xml) continue;
      const id = /\sID="([^"]+)"/.exec(item.saml.xml)?.[1];
      if (id) ids.add(id);
    }
  }
  return ids.size;
}

/** A fresh external reference IdP: its target YAML and the device-token tenant for the bare client. */
async function externalIdp(tag: string): Promise<{ child: ChildProcess; target: string; tenant: Tenant }> {
  const target = path.join(TMP, `target-${tag}.yaml`);
  const child = spawn(process.execPath, [BIN, 'reference-idp', '--port', '0', '--write-target', target], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const l = out.split('\n').find((x) => x.startsWith('{'));
      if (l && out.includes('\n')) resolve(l);
    });
    child.on('exit', (code) => reject(new Error(`reference-idp exited ${code}`)));
  });
  const endpoints = JSON.parse(line) as { tenants: Record<string, { metadataUrl: string; ssoUrl: string }> };
  const dt = (
    parseYaml(readFileSync(target, 'utf8')) as {
      deviceToken: {
        metadata: string;
        tenant: { cloudName: string; userDomain: string };
        admin: { baseUrl: string; apiKey: string };
      };
    }
  ).deviceToken;
  const t = Object.values(endpoints.tenants).find((x) => x.metadataUrl === dt.metadata);
  if (!t) throw new Error('the device-token tenant is not among the reference IdP tenants');
  return {
    child,
    target,
    tenant: {
      metadataUrl: dt.metadata,
      ssoUrl: t.ssoUrl,
      adminBaseUrl: dt.admin.baseUrl,
      adminKey: dt.admin.apiKey,
      ...dt.tenant,
    },
  };
}

async function main(): Promise<void> {
  console.log(
    `bench on ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const typed: Measured[] = [];
  const alone: Measured[] = [];
  const stats: { checks: number; ex: number; ms: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const dirA = path.join(TMP, `typed-${i}`);
    typed.push(await measure('npm', ['run', 'conformance', '--', '--report-dir', dirA], 'fresh-run.js'));
    const dirB = path.join(TMP, `alone-${i}`);
    const m = await measure(process.execPath, [BIN, 'run', '--report-dir', dirB], 'idp-conformance.js');
    alone.push(m);
    const r = report(dirB);
    stats.push({ checks: r.results.length, ex: r.stats?.httpExchanges ?? 0, ms: m.ms });
    rmSync(dirA, { recursive: true, force: true });
  }
  const checks = median(stats.map((s) => s.checks));
  console.log(
    `npm run conformance (as typed): ${fmt(typed.map((m) => m.ms / 1000))} s wall, ${fmt(typed.map((m) => m.cpuS))} s CPU, ${fmt(
      typed.map((m) => m.rssMb),
      0,
    )} MB peak RSS (median of 3; runs ${typed.map((m) => (m.ms / 1000).toFixed(2)).join(', ')} s)`,
  );
  console.log(
    `run alone: ${fmt(alone.map((m) => m.ms / 1000))} s wall, ${fmt(alone.map((m) => m.cpuS))} s CPU, ${fmt(
      alone.map((m) => m.rssMb),
      0,
    )} MB peak RSS, ${checks} checks, ${median(stats.map((s) => s.ex))} HTTP exchanges, ${fmt(
      stats.map((s) => s.ex / (s.ms / 1000)),
      0,
    )} exchanges/s`,
  );

  const harness: number[] = [];
  const bare: number[] = [];
  let logins = 0;
  for (let i = 0; i < 3; i++) {
    const a = await externalIdp(`h${i}`);
    const dir = path.join(TMP, `dt-${i}`);
    try {
      const m = await measure(
        process.execPath,
        [BIN, 'run', '--target', a.target, '--profile', 'device-token', '--report-dir', dir],
        'idp-conformance.js',
      );
      harness.push(m.ms);
      logins = loginsOf(dir);
    } finally {
      a.child.kill('SIGTERM');
    }
    const b = await externalIdp(`b${i}`);
    try {
      const m = await measure(
        process.execPath,
        [BARE, JSON.stringify(b.tenant), String(logins)],
        'bare-client.js',
      );
      if (m.code !== 0) throw new Error(`the bare client failed (exit ${m.code})`);
      bare.push(m.ms);
    } finally {
      b.child.kill('SIGTERM');
    }
  }
  const ratio = median(harness) / median(bare);
  console.log(
    `device-token profile vs external reference IdP: ${fmt(harness.map((x) => x / 1000))} s wall; bare client, the same ${logins} silent logins: ${fmt(bare.map((x) => x / 1000))} s wall; ratio ${ratio.toFixed(2)}x`,
  );
  rmSync(TMP, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 2;
});
