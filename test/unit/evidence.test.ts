import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentEvidence, record, withEvidence } from '../../src/harness/evidence/context';
import { prettyXml } from '../../src/harness/evidence/pretty-xml';
import { REDACTED, Redactor } from '../../src/harness/evidence/redact';
import { MAX_BODY_BYTES, writeEvidence, writeEvidenceAsync } from '../../src/harness/evidence/transcript';
import type { EvidenceItem } from '../../src/harness/types';

const TOKEN = 'dt_9f8e7d6c5b4a39281706f5e4d3c2b1a0+/=x';
const ADMIN_KEY = 'acme-admin-key-0001';
const PASSWORD = 'alice pass&word';

const AT = '2030-01-01T00:00:00.000Z';

function httpItem(
  over: Partial<NonNullable<EvidenceItem['http']>> = {},
  label = 'GET /t/acme/sso (device token)',
): EvidenceItem {
  return {
    kind: 'http',
    label,
    at: AT,
    http: {
      direction: 'client->idp',
      method: 'GET',
      url: `http://127.0.0.1:8080/t/acme/sso?SAMLRequest=fZBBa&token=${encodeURIComponent(TOKEN)}`,
      requestHeaders: { authorization: `DeviceToken ${TOKEN}`, accept: 'text/html' },
      status: 200,
      responseHeaders: {
        'content-type': 'text/html',
        'set-cookie': 'idp_session=s3cr3tsessionvalue; Path=/; HttpOnly',
      },
      responseBody: `<form><input type="hidden" name="SAMLResponse" value="${Buffer.from(`<Assertion>${TOKEN}</Assertion>`).toString('base64')}"/></form>`,
      durationMs: 12,
      ...over,
    },
  };
}

describe('evidence', () => {
  describe('Redactor', () => {
    const r = new Redactor([TOKEN, ADMIN_KEY]);
    r.addSecret(PASSWORD);

    it('removes registered secrets in raw, URL-encoded, JSON-escaped and base64 forms', () => {
      const forms = [
        TOKEN,
        encodeURIComponent(TOKEN),
        JSON.stringify(TOKEN),
        Buffer.from(TOKEN).toString('base64'),
        Buffer.from(TOKEN).toString('base64url'),
        encodeURIComponent(PASSWORD),
        encodeURIComponent(PASSWORD).replace(/%20/g, '+'),
      ];
      for (const f of forms) {
        const out = r.redact(`before ${f} after`);
        expect(out, f).to.include(REDACTED);
        expect(out).not.to.include(f);
      }
    });

    it('finds a secret inside a longer base64 blob at any alignment', () => {
      for (const prefix of ['', 'a', 'ab', 'abc', 'user:']) {
        const blob = Buffer.from(`${prefix}${TOKEN}-trailing`).toString('base64');
        const out = r.redact(`Basic ${blob}`);
        expect(out, prefix).to.include(REDACTED);
        const core = Buffer.from(TOKEN).toString('base64').slice(4, -4);
        expect(out).not.to.include(core);
      }
    });

    it('keeps the Authorization scheme and redacts the credential', () => {
      const plain = new Redactor();
      expect(plain.redactHeaders({ Authorization: 'DeviceToken abc.def' })).to.deep.equal({
        Authorization: `DeviceToken ${REDACTED}`,
      });
      expect(plain.redactHeaders({ authorization: 'Bearer xyz' }).authorization).to.equal(
        `Bearer ${REDACTED}`,
      );
      expect(plain.redact('GET / HTTP/1.1\nAuthorization: Basic dXNlcjpwYXNz\nAccept: */*')).to.equal(
        `GET / HTTP/1.1\nAuthorization: Basic ${REDACTED}\nAccept: */*`,
      );
      expect(plain.redact('{"Authorization":"DeviceToken abc"}')).to.equal(
        `{"Authorization":"DeviceToken ${REDACTED}"}`,
      );
    });

    it('redacts cookie values but keeps names and attributes', () => {
      const plain = new Redactor();
      const h = plain.redactHeaders({
        Cookie: 'gw_session=abc123; theme=dark',
        'Set-Cookie': 'sid=xyz; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly, other=1; Path=/',
        'X-Api-Key': 'k-123',
        'Content-Type': 'text/html',
      });
      expect(h.Cookie).to.equal(`gw_session=${REDACTED}; theme=${REDACTED}`);
      expect(h['Set-Cookie']).to.equal(
        `sid=${REDACTED}; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly, other=${REDACTED}; Path=/`,
      );
      expect(h['X-Api-Key']).to.equal(REDACTED);
      expect(h['Content-Type']).to.equal('text/html');
      expect(plain.redact('Set-Cookie: a=b; Path=/')).to.equal(`Set-Cookie: a=${REDACTED}; Path=/`);
    });

    it('redacts password fields, JSON tokens and PEM private keys', () => {
      const plain = new Redactor();
      expect(plain.redact('username=alice&password=hunter2&RelayState=x')).to.equal(
        `username=alice&password=${REDACTED}&RelayState=x`,
      );
      expect(plain.redact('user=a&passwd=1&pass=2')).to.equal(`user=a&passwd=${REDACTED}&pass=${REDACTED}`);
      expect(plain.redact('{"token":"abc","id":"t1","deviceToken": "d\\"ef"}')).to.equal(
        `{"token":"${REDACTED}","id":"t1","deviceToken": "${REDACTED}"}`,
      );
      const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
      const out = plain.redact(`key:\n${pem}\ncert stays`);
      expect(out).not.to.include('MIIEvQ');
      expect(out).to.include('BEGIN PRIVATE KEY');
      expect(out).to.include('cert stays');
      expect(
        plain.redact('"-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY-----"'),
      ).not.to.include('AAAA');
    });

    it('finds every secret of many in one pass: overlapping occurrences leave nothing, disjoint ones stay apart', () => {
      const r = new Redactor();
      const secrets = Array.from(
        { length: 60 },
        (_, i) => `tok-${i}-${'abcdefghij'.slice(i % 7)}xyz${i * 7919}`,
      );
      for (const s of secrets) r.addSecret(s);
      // overlap: the end of one secret is the start of another
      r.addSecret('overlap-AAAA');
      r.addSecret('AAAA-tail-99');
      const s = (i: number) => secrets[i]!; // i < 60 = secrets.length
      const text = `a ${s(59)} b ${s(3)}${s(4)} c overlap-AAAA-tail-99 d ${encodeURIComponent(s(7))}`;
      const out = r.redact(text);
      for (const s of secrets) expect(out).not.to.contain(s);
      expect(out).to.equal(`a ${REDACTED} b ${REDACTED}${REDACTED} c ${REDACTED} d ${REDACTED}`);
    });

    it('leaves ordinary evidence alone and does not mutate its input', () => {
      const plain = new Redactor(['abc']); // too short to register: would shred ordinary text
      const text =
        'GET /sso?SAMLRequest=fZBBa&RelayState=abc HTTP/1.1\nContent-Type: text/html\n\n<p>abc</p>';
      expect(plain.redact(text)).to.equal(text);
      const h = { authorization: 'DeviceToken t' };
      plain.redactHeaders(h);
      expect(h.authorization).to.equal('DeviceToken t');
    });
  });

  describe('prettyXml', () => {
    it('indents element-only content and keeps text as is', () => {
      const xml =
        '<?xml version="1.0"?><a x="1>2"><b>text  with  spaces</b><c/><d><e>1</e></d><!-- c --></a>';
      expect(prettyXml(xml)).to.equal(
        [
          '<?xml version="1.0"?>',
          '<a x="1>2">',
          '  <b>text  with  spaces</b>',
          '  <c/>',
          '  <d>',
          '    <e>1</e>',
          '  </d>',
          '  <!-- c -->',
          '</a>',
        ].join('\n'),
      );
    });

    it('returns what it cannot follow unchanged', () => {
      expect(prettyXml('<a><b')).to.equal('<a><b');
      expect(prettyXml('not xml')).to.equal('not xml');
    });
  });

  describe('context', () => {
    it('records into a scoped list or an explicit one, by reference', async () => {
      expect(currentEvidence()).to.equal(undefined);
      record(httpItem()); // outside a check: dropped
      const scoped: EvidenceItem[] = [];
      await withEvidence(scoped, async () => {
        await new Promise((r) => setTimeout(r, 1));
        record(httpItem());
        expect(currentEvidence()).to.equal(scoped);
      });
      const explicit: EvidenceItem[] = [];
      record(httpItem(), explicit);
      const item = httpItem();
      await withEvidence(scoped, async () => record(item));
      item.http!.status = 500;
      expect(scoped[1]?.http?.status).to.equal(500);
      expect([scoped.length, explicit.length]).to.deep.equal([2, 1]);
      expect(currentEvidence()).to.equal(undefined);
    });
  });

  describe('writeEvidence', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-evidence-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const redactor = () => new Redactor([TOKEN, ADMIN_KEY, PASSWORD]);

    it('writes one transcript of every item, in order, and items.json beside it', () => {
      const items: EvidenceItem[] = [
        httpItem(),
        {
          kind: 'saml',
          label: 'Response received at the ACS',
          at: AT,
          saml: {
            messageType: 'Response',
            binding: 'HTTP-POST',
            xml: '<samlp:Response><saml:Issuer>idp</saml:Issuer></samlp:Response>',
          },
        },
        { kind: 'note', label: 'note', at: AT, text: 'token revoked via admin API' },
      ];
      const paths = writeEvidence(dir, 'DT-TOK-03-revoked-token', items, redactor());
      expect(paths).to.deep.equal([
        'evidence/DT-TOK-03-revoked-token/transcript.txt',
        'evidence/DT-TOK-03-revoked-token/items.json',
      ]);
      const transcript = fs.readFileSync(path.join(dir, paths[0] ?? ''), 'utf8');
      const parts = transcript.split(/^=== /m).slice(1);
      expect(parts.map((p) => p.split('\n')[0])).to.deep.equal([
        '01 GET /t/acme/sso (device token)',
        '02 Response received at the ACS',
        '03 note',
      ]);
      const [http = '', saml = '', note = ''] = parts; // three, as just asserted
      expect(http).to.include('GET http://127.0.0.1:8080/t/acme/sso?SAMLRequest=fZBBa&token=');
      expect(http).to.include(`authorization: DeviceToken ${REDACTED}`);
      expect(http).to.include('accept: text/html');
      expect(http).to.include('HTTP 200');
      expect(http).to.include(`set-cookie: idp_session=${REDACTED}; Path=/; HttpOnly`);
      expect(http).to.include('name="SAMLResponse"');
      expect(saml).to.include('Response (HTTP-POST)');
      expect(saml).to.include('<samlp:Response>\n  <saml:Issuer>idp</saml:Issuer>\n</samlp:Response>');
      expect(note).to.include('token revoked via admin API');
      const stored = JSON.parse(fs.readFileSync(path.join(dir, paths[1] ?? ''), 'utf8')) as {
        label: string;
        file: string;
      }[];
      expect(stored.map((i) => [i.label, i.file])).to.deep.equal(
        items.map((i) => [i.label, 'evidence/DT-TOK-03-revoked-token/transcript.txt']),
      );
    });

    it('never writes a registered secret, in any form, to any file', () => {
      const items: EvidenceItem[] = [
        httpItem(),
        httpItem(
          {
            direction: 'harness->admin',
            method: 'POST',
            url: 'http://127.0.0.1:8080/t/acme/admin/tokens',
            requestHeaders: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
            requestBody: JSON.stringify({ userId: 'alice@example.com' }),
            responseHeaders: { 'content-type': 'application/json' },
            responseBody: JSON.stringify({ id: 't1', value: TOKEN, note: `key ${ADMIN_KEY}` }),
          },
          'POST /t/acme/admin/tokens',
        ),
        httpItem(
          {
            method: 'POST',
            url: 'http://127.0.0.1:8080/login',
            requestHeaders: {
              'content-type': 'application/x-www-form-urlencoded',
              cookie: 'idp_session=abc',
            },
            requestBody: `username=alice&password=${encodeURIComponent(PASSWORD)}`,
            error: `socket hang up after sending ${TOKEN}`,
            status: undefined,
          },
          `POST /login ${TOKEN}`,
        ),
        {
          kind: 'saml',
          label: 'echoed',
          at: AT,
          saml: { messageType: 'Response', xml: `<r><t>${TOKEN}</t></r>` },
        },
      ];
      const paths = writeEvidence(dir, 'DT-TOK-09-no-token-echo', items, redactor());
      expect(paths).to.have.length(2);
      const forms = [
        TOKEN,
        encodeURIComponent(TOKEN),
        Buffer.from(TOKEN).toString('base64').slice(4, -4),
        ADMIN_KEY,
        PASSWORD,
        encodeURIComponent(PASSWORD),
        'abc',
      ];
      for (const p of paths) {
        expect(p).not.to.include('9f8e7d6c5b4a');
        const body = fs.readFileSync(path.join(dir, p), 'utf8');
        for (const f of forms)
          expect(body, `${p} contains ${f}`).not.to.include(f === 'abc' ? 'idp_session=abc' : f);
      }
    });

    it('an HTTP item still waiting for its answer is rendered afresh once answered (not cached)', () => {
      const r = redactor();
      const item = httpItem({ status: undefined, responseHeaders: undefined, responseBody: undefined });
      const [first = ''] = writeEvidence(dir, 'DT-A-in-flight', [item], r);
      expect(fs.readFileSync(path.join(dir, first), 'utf8')).to.include('-- no response recorded --');
      Object.assign(item.http ?? {}, { status: 302, responseBody: 'answered' });
      const [second = ''] = writeEvidence(dir, 'DT-B-answered', [item], r);
      const text = fs.readFileSync(path.join(dir, second), 'utf8');
      expect(text).to.include('HTTP 302');
      expect(text).to.include('answered');
    });

    it('redacts each line of a multi-line credential header, and keeps both of two names that redact alike', () => {
      const item = httpItem({
        requestHeaders: {
          authorization: 'Bearer first-line-credential\nsecond-line-credential',
          cookie: 'a=1\nsid=session-value',
          [`x-${TOKEN}`]: 'one',
          [`x-${encodeURIComponent(TOKEN)}`]: 'two',
        },
      });
      const [p = ''] = writeEvidence(dir, 'DT-C-headers', [item], redactor());
      const text = fs.readFileSync(path.join(dir, p), 'utf8');
      for (const secret of ['first-line-credential', 'second-line-credential', 'session-value', TOKEN])
        expect(text).not.to.include(secret);
      expect(text).to.include('sid=[REDACTED]');
      expect(text).to.include(`x-${REDACTED}: one, two`);
    });

    it('truncates bodies over 256 KiB with a marker, after redacting', () => {
      const big = `${'x'.repeat(MAX_BODY_BYTES - 5)}${TOKEN}${'y'.repeat(1000)}`;
      const [p = 'missing'] = writeEvidence(dir, 'big', [httpItem({ responseBody: big })], redactor());
      const body = fs.readFileSync(path.join(dir, p), 'utf8');
      expect(body).to.match(/\[… truncated: \d+ of \d+ bytes not shown …\]/);
      expect(body).not.to.include(TOKEN.slice(0, 5));
      expect(Buffer.byteLength(body)).to.be.lessThan(MAX_BODY_BYTES + 4096);
    });

    it('gives a second write for the same check its own folder', () => {
      const a = writeEvidence(dir, 'DT-TOK-01-x', [httpItem()], redactor());
      const b = writeEvidence(dir, 'DT-TOK-01-x', [httpItem()], redactor());
      expect(a[0]).to.match(/^evidence\/DT-TOK-01-x\//);
      expect(b[0]).to.match(/^evidence\/DT-TOK-01-x_2\//);
      expect(writeEvidence(dir, 'none', [], redactor())).to.deep.equal([]);
    });

    it('writeEvidenceAsync writes what writeEvidence writes, and gives a second write its own folder', async () => {
      const items = () => [httpItem(), { kind: 'note' as const, label: 'x', at: 't', text: TOKEN }];
      const sync = writeEvidence(dir, 'DT-TOK-02-sync', items(), redactor());
      const [a, b] = await Promise.all([
        writeEvidenceAsync(dir, 'DT-TOK-02-async', items(), redactor()),
        writeEvidenceAsync(dir, 'DT-TOK-02-async', items(), redactor()),
      ]);
      expect(a![0]).to.equal('evidence/DT-TOK-02-async/transcript.txt');
      expect(b![0]).to.equal('evidence/DT-TOK-02-async_2/transcript.txt');
      const read = (files: string[], i: number) =>
        fs.readFileSync(path.join(dir, files[i] as string), 'utf8').replace(/DT-TOK-02-[a-z]+(_2)?/g, 'ID');
      for (const i of [0, 1]) expect(read(a!, i)).to.equal(read(sync, i));
      expect(read(a!, 0)).not.to.include(TOKEN);
      expect(await writeEvidenceAsync(dir, 'none', [], redactor())).to.deep.equal([]);
      const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'idpc-ev-'));
      expect(await writeEvidenceAsync(fresh, 'X-1', items(), redactor())).to.have.length(2);
    });

    it('keeps check IDs from escaping the evidence folder', () => {
      const [p = 'missing'] = writeEvidence(dir, '../../etc/x', [httpItem()], redactor());
      expect(p.startsWith('evidence/')).to.equal(true);
      expect(p).not.to.include('..');
      expect(fs.existsSync(path.join(dir, p))).to.equal(true);
    });
  });
});
