import {
  scenario,
  webLogin,
  expectSuccess,
  NotApplicable,
  NAMEID_TRANSIENT,
  type WebLogin,
  type Verdict,
} from '../../src/harness';

const SUBJECT_ID = 'urn:oasis:names:tc:SAML:attribute:subject-id';
const PAIRWISE_ID = 'urn:oasis:names:tc:SAML:attribute:pairwise-id';
const URI_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';
/** SAML V2.0 Subject Identifier Attributes Profile §3.3.1 / §3.4.1: uniqueID "@" scope. */
const SCOPED_VALUE = /^[A-Za-z0-9][A-Za-z0-9=-]{0,126}@[A-Za-z0-9][A-Za-z0-9.-]{0,126}$/;

function attributesOf(v: Verdict, r: WebLogin) {
  const a = expectSuccess(v, r);
  if (a.attributes.length === 0) throw new NotApplicable('the assertion carries no attributes');
  return a.attributes;
}

describe('saml-web-sso · subject identifiers and attributes', function () {
  const h = scenario(this, { profile: 'saml-web-sso', family: 'subject' });
  const login = h.shared('subject-login', () => webLogin({ relayState: 'subject-checks' }));
  const transient = (n: number) =>
    h.shared(`transient-${n}`, () =>
      webLogin({ request: (b) => b.withNameIdPolicy({ format: NAMEID_TRANSIENT, allowCreate: 'true' }) }),
    )();

  /**
   * SDP-IDP12: "Assertions MUST contain a <saml:NameID> element with the
   * urn:oasis:names:tc:SAML:2.0:nameid-format:transient Format ... for the purposes of logout."
   * Asked for explicitly (NameIDPolicy transient); transient means a fresh opaque value per session.
   */
  h.check(
    {
      id: 'SDP-IDP12-transient-nameid',
      level: 'MUST',
      requirements: ['SDP-IDP12', 'SAMLCore-2.2.2'],
      title: 'NameIDPolicy transient gets a transient NameID, new in each session, not the user name',
    },
    async (v, s) => {
      const [a1, a2] = [expectSuccess(v, await transient(1)), expectSuccess(v, await transient(2))];
      v.equal('NameID Format', a1.nameId?.format, NAMEID_TRANSIENT, 'saml:Subject/saml:NameID/@Format');
      v.equal(
        'second NameID Format',
        a2.nameId?.format,
        NAMEID_TRANSIENT,
        'saml:Subject/saml:NameID/@Format',
      );
      const value = v.present('NameID', a1.nameId?.value, 'saml:Subject/saml:NameID');
      v.ok(value !== a2.nameId?.value, 'NameID of two sessions', 'two different transient values', value);
      const user = s.config.login?.form?.username?.toLowerCase() ?? '\u0000';
      const known = [user, ...a1.attributes.flatMap((x) => x.values.map((y) => y.toLowerCase()))];
      v.ok(
        !known.includes(value.toLowerCase()),
        'transient NameID',
        'an opaque value, not the user name or an attribute value',
        value,
      );
    },
  );

  /** SDP-IDP18: "<saml:Attribute> elements MUST contain a NameFormat of urn:oasis:names:tc:SAML:2.0:attrname-format:uri." */
  h.check(
    {
      id: 'SDP-IDP18-attribute-nameformat-uri',
      level: 'MUST',
      requirements: ['SDP-IDP18'],
      title: 'every Attribute has NameFormat urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    },
    async (v) => {
      for (const at of attributesOf(v, await login()))
        v.equal(`NameFormat of ${at.name}`, at.nameFormat, URI_FORMAT, 'saml:Attribute/@NameFormat');
    },
  );

  /** SDP-IDP19: "It is RECOMMENDED that the content of <saml:AttributeValue> elements be limited to a single child text node." */
  h.check(
    {
      id: 'SDP-IDP19-single-text-value',
      level: 'SHOULD',
      requirements: ['SDP-IDP19'],
      title: 'every AttributeValue is a single text node (a simple string)',
    },
    async (v) => {
      for (const at of attributesOf(v, await login()))
        v.equal(
          `AttributeValues of ${at.name}`,
          at.singleTextValues ? 'single text nodes' : 'other content',
          'single text nodes',
          'saml:AttributeValue',
        );
    },
  );

  /**
   * SDP-IDP13 (subject-id / pairwise-id, SAML V2.0 Subject Identifier Attributes Profile §3.3.1, §3.4.1)
   * with SDP-IDP14: a released value is uniqueID@scope in the profile's characters, single-valued,
   * NameFormat uri, and its scope is a shibmd:Scope (regexp false) of the IdP metadata.
   */
  h.check(
    {
      id: 'SDP-IDP13-subject-id-value',
      level: 'MUST',
      requirements: ['SDP-IDP13', 'SDP-IDP14'],
      title: 'a released subject-id / pairwise-id is one uniqueID@scope value with a scope from the metadata',
    },
    async (v, s) => {
      const ids = expectSuccess(v, await login()).attributes.filter(
        (x) => x.name === SUBJECT_ID || x.name === PAIRWISE_ID,
      );
      if (ids.length === 0)
        throw new NotApplicable(
          'the IdP released neither subject-id nor pairwise-id without an SP signal (SDP-IDP17 allows that; the signalled release is not yet tested)',
        );
      const scopes = s.idp.scopes.filter((x) => x.regexp !== 'true' && x.regexp !== '1').map((x) => x.value);
      for (const at of ids) {
        const name = at.name === SUBJECT_ID ? 'subject-id' : 'pairwise-id';
        v.equal(`${name} NameFormat`, at.nameFormat, URI_FORMAT, 'saml:Attribute/@NameFormat');
        v.equal(`${name} values`, at.values.length, 1, 'saml:Attribute/saml:AttributeValue');
        const value = at.values[0] ?? '';
        v.ok(
          SCOPED_VALUE.test(value),
          `${name} value`,
          'uniqueID@scope: [A-Za-z0-9][A-Za-z0-9=-]{0,126}@[A-Za-z0-9][A-Za-z0-9.-]{0,126}',
          value,
        );
        v.oneOf(`${name} scope`, value.slice(value.indexOf('@') + 1), scopes, 'md:Extensions/shibmd:Scope');
      }
    },
  );
});
