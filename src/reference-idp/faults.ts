/**
 * Named faults: each one is a single, plausible implementation bug that breaks one behaviour, so the
 * self-test can prove that every conformance check can fail. With no faults the IdP is conformant.
 *
 * Long file: the fault and mode lists are data, one entry per behaviour; splitting them would only
 * scatter the one table the kill matrix and `--list-faults` read.
 */

export interface FaultInfo {
  name: string;
  description: string;
  requirements: string[];
}

const DEFS = [
  // --- liveness (not run by the kill matrix: a crash is ERROR, never a verdict — test/kill-matrix-exceptions.json)
  f(
    'dies-mid-run',
    'after answering 40 requests the IdP closes its server: every later connection is refused, as if it crashed mid-run',
    ['SDP-IDP02', 'SAMLBind-3.5'],
  ),
  // --- metadata
  f('metadata-no-redirect-sso', 'metadata lacks the HTTP-Redirect SingleSignOnService', ['SDP-IDP02']),
  f('metadata-no-post-sso', 'metadata lacks the HTTP-POST SingleSignOnService', [
    'SAMLMeta-2.4.3',
    'DT-MD-01',
  ]),
  f('metadata-no-signing-key', 'metadata has no KeyDescriptor', ['SDP-MD08', 'DT-MD-01']),
  f('metadata-weak-key', 'tenant signs with fixtures/keys/weak (RSA-1024) and publishes it', [
    'SDP-MD06',
    'DT-MD-01',
  ]),
  f('metadata-no-errorurl', 'the IDPSSODescriptor has no errorURL', ['SDP-MD12', 'SDP-IDP33']),
  f('metadata-no-uiinfo', 'the IDPSSODescriptor Extensions have no mdui:UIInfo', ['SDP-MD09', 'SDP-IDP33']),
  f('metadata-logo-http', 'the mdui:Logo is a plain http URL', ['SDP-MD10']),
  f('metadata-long-displayname', 'the mdui:DisplayName is over 300 characters long', ['SDP-G02']),
  f('metadata-no-contact', 'the metadata has no technical ContactPerson', ['SDP-MD11', 'SDP-IDP33']),
  f('metadata-no-scope', 'the metadata has no shibmd:Scope', ['SDP-IDP14', 'SDP-IDP33']),
  f('metadata-entityid-relative', 'entityID is the relative string "reference-idp"', ['SDP-G04']),
  f(
    'metadata-no-want-signed',
    'device-token tenants omit WantAuthnRequestsSigned="true" from the IDPSSODescriptor',
    ['DT-MD-02'],
  ),
  // --- bindings and request attribution
  f('reject-redirect-binding', 'HTTP-Redirect AuthnRequests get 400', ['SDP-IDP02']),
  f('reject-post-binding', 'HTTP-POST AuthnRequests get 400 (browser and device-token)', ['SAMLBind-3.5']),
  f('accept-unknown-issuer', "an unregistered Issuer is served, posting to the request's ACS URL", [
    'SAMLCore-3.4.1',
  ]),
  f('trust-request-acs', "a request's AssertionConsumerServiceURL is used even if not registered", [
    'SDP-IDP06',
    'DT-RSP-08',
  ]),
  f('no-default-acs', 'a request without ACS URL gets 400', ['SDP-IDP06']),
  f(
    'acs-index-ignored',
    'AssertionConsumerServiceIndex is ignored: the Response goes to the default ACS of the SP metadata',
    ['SAMLCore-3.4.1-acs-index'],
  ),
  f(
    'acs-index-position-fallback',
    "an AssertionConsumerServiceIndex that no ACS of the SP carries is taken as a position in the SP's ACS list",
    ['SAMLCore-3.4.1-acs-index'],
  ),
  f(
    'acs-url-first-registered-only',
    'a requested AssertionConsumerServiceURL is compared with the first ACS of the SP metadata only',
    ['SAMLCore-3.4.1-acs-index', 'SDP-IDP06'],
  ),
  f(
    'samlencoding-ignored',
    'the SAMLEncoding of a Redirect request is not read: any value is decoded as DEFLATE',
    ['IDPC-REQ-04'],
  ),
  f(
    'samlencoding-param-rejected',
    'a Redirect request with a SAMLEncoding parameter gets 400, even when it names DEFLATE',
    ['IDPC-REQ-04'],
  ),
  f('ispassive-not-validated', 'IsPassive is not checked to be an xs:boolean ("yes" is read as false)', [
    'IDPC-REQ-03',
  ]),
  f('forceauthn-not-validated', 'ForceAuthn is not checked to be an xs:boolean ("yes" is read as false)', [
    'IDPC-REQ-03',
  ]),
  f(
    'allowcreate-not-validated',
    'NameIDPolicy AllowCreate is not checked to be an xs:boolean ("yes" is read as false)',
    ['IDPC-REQ-03'],
  ),
  // --- request checks
  f('ignore-version', 'Version is not checked', ['SAMLCore-3.2.2.2']),
  f('accept-stale-request', 'IssueInstant is not checked', ['IDPC-REQ-01', 'DT-REQ-12']),
  f('ignore-destination', 'Destination is not checked', ['SAMLCore-3.2.1', 'DT-REQ-12']),
  f(
    'destination-mismatch-answered',
    'a request whose Destination is another endpoint gets an error Response (RequestDenied) at the ACS instead of being discarded',
    ['SAMLCore-3.2.1'],
  ),
  f('accept-replayed-request', 'no replay cache', ['IDPC-REQ-02', 'DT-REQ-13']),
  f('ispassive-shows-login', 'IsPassive is ignored: the login form is shown', ['SAMLCore-3.4.1']),
  f('forceauthn-reuses-session', 'ForceAuthn is ignored: the session is reused, old AuthnInstant', [
    'SDP-IDP07',
  ]),
  f('ignore-nameid-policy', 'an unsupported NameIDPolicy Format gets Success with the default format', [
    'SAMLCore-3.4.1.1',
  ]),
  f('nameid-format-ignores-policy', 'NameID Format is always transient whatever was requested', [
    'SAMLCore-3.4.1.1',
  ]),
  f('drop-relaystate', 'RelayState is not returned', ['SAMLBind-3.5.3', 'DT-REQ-09']),
  f('relaystate-unescaped', 'RelayState is written into the form value without HTML escaping', [
    'SAMLBind-3.5.3',
  ]),
  // --- request signatures
  f(
    'skip-request-signature-check',
    'request signatures are never verified; unsigned accepted where signing is required',
    ['SDP-IDP04', 'SDP-IDP05', 'DT-SIG-01', 'DT-SIG-03'],
  ),
  f('reject-signed-requests', 'any request that carries a signature (either binding) gets 400', [
    'SDP-IDP05',
  ]),
  f('trust-keyinfo-cert', 'POST signatures are verified with the certificate in KeyInfo when present', [
    'SDP-IDP05',
    'DT-SIG-02',
  ]),
  f(
    'redirect-signature-ignores-relaystate',
    'the Redirect signed string may be built without RelayState (a signature over SAMLRequest&SigAlg is accepted, so RelayState is unprotected)',
    ['SAMLBind-3.4.4.1'],
  ),
  f(
    'redirect-signature-reencoded',
    'the Redirect signed string is rebuilt from re-encoded values instead of the values as received',
    ['SAMLBind-3.4.4.1'],
  ),
  f(
    'redirect-signature-url-order',
    'the Redirect signed string follows the order of the parameters in the URL instead of the spec order',
    ['SAMLBind-3.4.4.1'],
  ),
  f(
    'xsw-vulnerable',
    'after a successful xml-crypto check (no placement/Reference rule), the request data is read from the first AuthnRequest element in document order',
    ['DT-SIG-04', 'DT-SIG-05'],
  ),
  f(
    'ignore-signature-rule',
    'the request-signature rule (placement, one Reference to the root, transforms, c14n, no comments) is not checked; any verifying signature is trusted',
    ['DT-SIG-05'],
  ),
  f(
    'redirect-hmac-pem-key',
    'a Redirect SigAlg hmac-sha1 is verified as an HMAC keyed with the registered certificate PEM text (key confusion)',
    ['SDP-IDP05'],
  ),
  f(
    'redirect-hmac-der-key',
    'a Redirect SigAlg hmac-sha1 is verified as an HMAC keyed with the registered certificate DER bytes (key confusion)',
    ['SDP-IDP05'],
  ),
  f(
    'signature-refusal-wrong-inresponseto',
    'a request refused for its signature gets an error Response Requester/RequestDenied at the registered ACS (as under mode refuse-with-error-response) whose InResponseTo is a fresh ID, not the ID of the request it answers',
    ['SDP-IDP04', 'SDP-IDP05', 'SAMLCore-3.2.2-inresponseto'],
  ),
  f('accept-sha1-requests', 'requests signed with RSA-SHA1 or using SHA-1 digests are accepted', [
    'DT-SIG-06',
  ]),
  f(
    'accept-sha1-digest-requests',
    'a request signed with an allowed SignatureMethod (RSA-SHA256) over a SHA-1 DigestMethod is accepted (browser and device-token requests alike)',
    ['DT-SIG-06', 'IDPC-SEC-03'],
  ),
  f(
    'request-signature-first-reference-only',
    'a request SignedInfo with more than one Reference is accepted when each verifies; the first is acted on',
    ['DT-SIG-05'],
  ),
  f(
    'signature-order-unchecked',
    'a POST request ds:Signature whose first child is not SignedInfo (KeyInfo first) is verified as any other',
    ['IDPC-SEC-02'],
  ),
  f(
    'c14n-method-count-unchecked',
    'a POST request SignedInfo with two CanonicalizationMethod elements is verified with the first',
    ['IDPC-SEC-02'],
  ),
  f(
    'signature-method-count-unchecked',
    'a POST request SignedInfo with two SignatureMethod elements is verified with the first',
    ['IDPC-SEC-02'],
  ),
  f(
    'digest-method-count-unchecked',
    'a POST request Reference with two DigestMethod elements is verified with the first',
    ['IDPC-SEC-02'],
  ),
  f('first-cert-only', "only the first signing certificate of the gateway's metadata is tried", [
    'DT-SIG-08',
    'SDP-IDP32',
  ]),
  f(
    'last-cert-only',
    "only the last signing certificate of the gateway's metadata is tried (the newest replaces the others)",
    ['SDP-IDP32'],
  ),
  f(
    'sp-certs-accumulate',
    'replacing SP metadata adds its certificates to the old ones: a removed certificate keeps working',
    ['DT-SIG-08'],
  ),
  f(
    'reject-foreign-elements',
    'elements of other namespaces inside DeviceContext are treated as malformed instead of ignored',
    ['DT-REQ-06'],
  ),
  f('long-assertion-validity', 'Conditions last one hour and name a second Audience besides the SP', [
    'DT-RSP-04',
  ]),
  f('accept-doctype', 'AuthnRequests with a DOCTYPE are parsed (nothing resolved) instead of rejected', [
    'DT-REQ-11',
    'IDPC-SEC-01',
  ]),
  // --- response envelope
  f('response-destination-missing', 'Response has no Destination', ['SAMLBind-3.5.5.2', 'DT-RSP-01']),
  f('response-inresponseto-missing', 'Response has no InResponseTo', ['SAMLProf-4.1.4.2', 'DT-RSP-01']),
  f('response-issuer-wrong', 'Response Issuer is https://wrong.example/idp', ['SAMLProf-4.1.4.2']),
  f('two-assertions', 'a second (unsigned) copy of the Assertion with another ID is appended', [
    'SDP-IDP10',
    'DT-RSP-01',
  ]),
  f('unsigned-response', 'only the Assertion is signed, the Response is not', ['SDP-IDP09']),
  // --- encryption (SPs whose metadata has KeyDescriptor use="encryption")
  f('encrypt-cbc', 'assertions are encrypted with aes128-cbc instead of AES-GCM', ['SDP-ALG01']),
  f('encrypt-rsa15', 'the content key is wrapped with rsa-1_5 (RSA PKCS#1 v1.5) instead of RSA-OAEP', [
    'SDP-ALG01',
  ]),
  f(
    'encrypt-for-other-key',
    "the content key is wrapped (RSA-OAEP) for fixtures/keys/idp-rogue's public key, not the SP's encryption key",
    ['SDP-IDP11'],
  ),
  f(
    'plain-despite-encryption-key',
    'assertions stay unencrypted although the SP publishes an encryption key',
    ['SDP-IDP11'],
  ),
  f(
    'add-encrypted-id',
    'the NameID is additionally encrypted as an EncryptedID inside the EncryptedAssertion',
    ['SDP-IDP11'],
  ),
  f('sign-with-sha1', 'every signature uses rsa-sha1 and sha1 digests', ['SDP-ALG01', 'DT-SIG-07']),
  f('sign-with-other-key', 'signs with fixtures/keys/idp-rogue while metadata shows the tenant key', [
    'SAMLProf-4.1.4.5',
    'DT-SIG-07',
  ]),
  f('signature-reference-empty-uri', 'signature References use URI=""', ['SAMLCore-5.4.2', 'DT-SIG-07']),
  f(
    'assertion-signed-other-key',
    'the Assertion is signed with fixtures/keys/idp-rogue; the Response signature (tenant key) is correct',
    ['SAMLProf-4.1.4.5', 'DT-SIG-07'],
  ),
  f(
    'assertion-signed-sha1',
    'the Assertion signature uses rsa-sha1 and a sha1 digest; the Response signature is rsa-sha256',
    ['SDP-ALG01', 'DT-SIG-07'],
  ),
  f(
    'assertion-reference-empty-uri',
    'the Assertion signature Reference uses URI=""; the Response signature is correct',
    ['SAMLCore-5.4.2', 'DT-SIG-07'],
  ),
  // --- Single Logout (saml2int SDP-IDP21–31, [CORE] §3.7.3.2)
  f('metadata-no-slo', 'the metadata lists no SingleLogoutService', ['SDP-IDP33']),
  f('metadata-slo-post-only', 'the metadata lists its SingleLogoutService with the HTTP-POST binding only', [
    'SDP-IDP25',
  ]),
  f('slo-rejects-redirect', 'LogoutRequests over HTTP-Redirect get 400', ['SDP-IDP25']),
  f('slo-accepts-unsigned-request', 'an unsigned LogoutRequest is honoured', ['SDP-IDP26']),
  f('slo-skips-signature-check', "a LogoutRequest's Redirect signature is never verified", ['SDP-IDP26']),
  f('slo-keeps-session', 'the session survives a LogoutRequest answered with Success', ['SDP-IDP31']),
  f('slo-success-on-failure', 'a LogoutRequest for no known session is answered with Success', ['SDP-IDP31']),
  f(
    'slo-unknown-principal-error-page',
    'a LogoutRequest for no known session gets a 400 error page instead of an error LogoutResponse',
    ['SAMLCore-3.7.3.2-error-status'],
  ),
  f('slo-unsigned-response', 'the LogoutResponse is sent over HTTP-Redirect without a signature', [
    'SDP-IDP30',
  ]),
  f('slo-response-via-post', 'the LogoutResponse is sent by an HTTP-POST form', ['SDP-IDP28']),
  f('slo-response-wrong-inresponseto', "the LogoutResponse's InResponseTo is a fresh ID", [
    'SAMLCore-3.7.3.2-logout-response',
  ]),
  f(
    'slo-response-to-other-sp',
    "the LogoutResponse goes to another registered SP's SingleLogoutService (its Destination names that one)",
    ['SAMLCore-3.7.3.2-logout-response'],
  ),
  f('slo-no-propagation', 'the other session participants are never sent a LogoutRequest', [
    'SAMLCore-3.7.3.2-propagation',
  ]),
  f('slo-propagation-unsigned', 'propagated LogoutRequests are unsigned', ['SDP-IDP26']),
  f(
    'slo-propagation-wrong-key',
    "propagated LogoutRequests are signed with fixtures/keys/idp-rogue, a key the IdP's metadata does not list",
    ['SDP-IDP26'],
  ),
  f('slo-propagation-sha1', 'propagated LogoutRequests are signed over HTTP-Redirect with SigAlg rsa-sha1', [
    'SDP-IDP26',
    'SDP-ALG01',
  ]),
  f('slo-propagation-post', 'propagated LogoutRequests are sent by an HTTP-POST form', ['SDP-IDP24']),
  f(
    'slo-propagation-encrypted-nameid',
    "propagated LogoutRequests carry the NameID as a saml:EncryptedID (for the SP's key)",
    ['SDP-IDP27'],
  ),
  f(
    'slo-propagation-wrong-nameid',
    'propagated LogoutRequests name the principal by a NameID value the SP was never given',
    ['SAMLProf-4.4.4.1-principal'],
  ),
  f(
    'slo-propagation-wrong-spnamequalifier',
    'propagated LogoutRequests give the NameID an SPNameQualifier the SP was never given',
    ['SAMLProf-4.4.4.1-principal'],
  ),
  f(
    'slo-propagation-wrong-issuer',
    "propagated LogoutRequests carry the IdP's SingleLogoutService URL as Issuer instead of its entityID",
    ['SAMLProf-4.4.4.1-issuer'],
  ),
  f(
    'slo-propagation-wrong-destination',
    "propagated LogoutRequests carry the IdP's own SingleLogoutService URL as Destination",
    ['SAMLBind-3.4.5.2'],
  ),
  f('slo-propagation-no-notonorafter', 'propagated LogoutRequests carry no NotOnOrAfter', [
    'SAMLCore-3.7.3.2-notonorafter',
  ]),
  f('slo-rejects-redirect-response', "a participant's LogoutResponse over HTTP-Redirect gets 400", [
    'SDP-IDP29',
  ]),
  f('slo-no-partial-logout', "a participant's failed logout is not reported as PartialLogout", [
    'SAMLCore-3.7.3.2-partial-logout',
  ]),
  // --- assertion content
  f('assertion-issuer-wrong', 'Assertion Issuer is https://wrong.example/idp', ['SAMLProf-4.1.4.2']),
  f('nameid-missing', 'Subject has no NameID', ['SAMLProf-4.1.4.2']),
  f('subject-confirmation-recipient-missing', 'SubjectConfirmationData has no Recipient', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-03',
  ]),
  f('subject-confirmation-notbefore', 'SubjectConfirmationData carries NotBefore', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-03',
  ]),
  f('subject-confirmation-inresponseto-missing', 'SubjectConfirmationData has no InResponseTo', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-03',
  ]),
  f('assertion-audience-missing', 'Conditions has no AudienceRestriction', ['SAMLProf-4.1.4.2', 'DT-RSP-04']),
  f('conditions-expired', 'Conditions NotOnOrAfter is 10 minutes in the past', [
    'SAMLCore-2.5.1.2',
    'DT-RSP-04',
  ]),
  f('authnstatement-missing', 'no AuthnStatement', ['SDP-IDP10', 'DT-RSP-05']),
  f('authninstant-stale', 'AuthnInstant is one day in the past', ['SAMLProf-4.1.4.2', 'DT-RSP-05']),
  f('sessionindex-missing', 'AuthnStatement has no SessionIndex', ['SAMLProf-4.1.4.2', 'DT-RSP-05']),
  f('attributes-joined-values', 'multi-valued attributes are one AttributeValue joined by ","', [
    'SDP-IDP20',
    'DT-RSP-06',
  ]),
  f('transient-nameid-is-mail', 'a requested transient NameID carries the mail address', ['SDP-IDP12']),
  f('attribute-nameformat-basic', 'Attributes have NameFormat basic instead of uri', ['SDP-IDP18']),
  f('attribute-value-element', 'the mail AttributeValue wraps its value in an element', ['SDP-IDP19']),
  f('subject-id-wrong-scope', 'subject-id values have the scope other.example, not the metadata Scope', [
    'SDP-IDP13',
  ]),
  f(
    'subject-id-signal-ignored',
    'the SP metadata entity attribute subject-id:req is not read: subject-id is released whatever the SP requires',
    ['SDP-IDP15', 'SDP-IDP16'],
  ),
  f(
    'subject-id-signal-swapped',
    'subject-id:req is read the wrong way round: subject-id required gets pairwise-id, pairwise-id required gets subject-id',
    ['SDP-IDP15', 'SDP-IDP16'],
  ),
  f(
    'pairwise-id-not-per-sp',
    'pairwise-id is derived from the user alone, not from the user and the SP: every SP gets the same value',
    ['SDP-IDP15'],
  ),
  f(
    'subject-id-req-any-refused',
    'subject-id:req "any" is treated as an unknown value: the request fails with Responder/RequestDenied',
    ['SDP-IDP15'],
  ),
  f(
    'subject-id-refused-when-signalled',
    'an SP whose metadata requires subject-id gets Responder/RequestDenied, though subject-id is released to SPs without the signal',
    ['SDP-IDP15', 'SDP-IDP16'],
  ),
  f(
    'signal-refused-with-error-page',
    'a subject-id:req signal the IdP will not satisfy (identifier not supported, or not released to that SP by its release policy) gets an error page instead of a SAML error status',
    ['SDP-IDP16-error-status'],
  ),
  f(
    'subject-id-any-pairwise-despite-policy',
    'for an SP whose metadata requires any identifier, pairwise-id is chosen even where its release policy withholds it, and then withheld: an SP whose policy allows subject-id alone gets a Success without an identifier',
    ['SDP-IDP15', 'SDP-IDP16'],
  ),
  f(
    'release-policy-ignored',
    "the SP's release policy (admin releaseIdentifiers) is not applied: an SP whose metadata requires an identifier the policy withholds gets it in a Success",
    ['SDP-IDP16'],
  ),
  f('subject-id-bad-chars', 'subject-id unique IDs start with "_" (not alphanumeric)', ['SDP-IDP13']),
  f('attributes-duplicated', 'every Attribute element appears twice', ['SDP-IDP19']),
  f('timestamps-with-offset', 'timestamps use "+00:00" instead of "Z"', ['SAMLCore-1.3.3']),
  f('reuse-response-ids', 'Response and Assertion IDs are constant across responses', [
    'SAMLCore-1.3.4',
    'DT-RSP-09',
  ]),
  f('short-ids', 'IDs are "_" + 8 hex characters', ['SAMLCore-1.3.4']),
  f('decimal-ids', 'IDs are "_" + 32 random decimal digits: long, but only 106 bits', ['SAMLCore-1.3.4']),
  f('response-issueinstant-skewed', 'Response and Assertion IssueInstant are one hour in the future', [
    'SAMLCore-1.3.3',
  ]),
  f('response-via-redirect', 'the Response is sent as a 302 redirect with SAMLResponse in the query', [
    'SAMLProf-4.1.2',
  ]),
  f('response-with-doctype', 'the Response XML starts with <!DOCTYPE Response> (signatures still valid)', [
    'SDP-G03',
  ]),
  f('error-response-with-assertion', 'error Responses include an Assertion', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-07',
  ]),
  f(
    'error-response-no-status',
    'error Responses carry a samlp:Status with only the StatusMessage, no StatusCode',
    ['SAMLProf-4.1.4.2', 'DT-RSP-07'],
  ),
  f('error-response-no-inresponseto', 'error Responses have no InResponseTo and no Destination', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-07',
  ]),
  f('error-response-issuer-wrong', 'error Responses name https://wrong.example/idp as Issuer', [
    'SAMLProf-4.1.4.2',
  ]),
  f('accept-any-password', 'the form login accepts any password for a known user', ['SAMLProf-4.1.4.1']),
  // --- device-token request processing
  f(
    'ispassive-before-token',
    'IsPassive is checked against the browser session before the device token: a device-token request gets NoPassive even with a valid token',
    ['DT-REQ-01', 'DT-TOK-01'],
  ),
  f(
    'missing-device-context-tolerated',
    'a request with a DeviceToken header but no DeviceContext is served as a browser request (NoPassive) instead of RequestUnsupported',
    ['DT-REQ-02'],
  ),
  f('ignore-user-domain', 'UserDomain is not compared with the domain of UserId', ['DT-REQ-03']),
  f('lenient-userid', 'the UserId rule is not checked: the domain is whatever follows the last "@"', [
    'DT-REQ-04',
  ]),
  f(
    'userid-second-at-ignored',
    'the UserId rule reads the parts before and after the first "@" only: a second "@" goes unnoticed',
    ['DT-REQ-04'],
  ),
  f('userid-one-label-domain', 'the UserId rule accepts a domain of one DNS label', ['DT-REQ-04']),
  f('userid-labels-unchecked', 'the UserId rule does not check the DNS labels of the domain', ['DT-REQ-04']),
  f(
    'userid-length-exclusive',
    'a UserId of exactly 127 characters is refused (the limit taken as exclusive)',
    ['DT-REQ-04', 'DT-REQ-01'],
  ),
  f('ignore-cloud-name', 'CloudName is not compared with the tenant cloudName', ['DT-REQ-05']),
  f(
    'lenient-device-context',
    'DeviceContext structure is not checked: first occurrence wins, repeated/unknown/missing elements and bad values pass',
    ['DT-REQ-06'],
  ),
  f(
    'device-value-limit-exclusive',
    'a DeviceContext value of exactly 256 characters is refused as too long (the 256 limit taken as exclusive)',
    ['DT-REQ-01', 'DT-REQ-06'],
  ),
  f(
    'first-text-node-only',
    'a DeviceContext value split by a comment is read from the first text node of the received element (truncated)',
    ['DT-REQ-07'],
  ),
  f(
    'pi-truncates-value',
    'processing instructions inside the AuthnRequest are accepted, and one inside a DeviceContext value ends it (truncated)',
    ['DT-REQ-07'],
  ),
  f(
    'interactive-device-login',
    'a device-token request without a token gets the HTML login form instead of NoPassive',
    ['DT-REQ-08', 'DT-TOK-02'],
  ),
  f(
    'token-from-query',
    'when the Authorization header is absent, the token is taken from any query or form parameter',
    ['DT-REQ-10'],
  ),
  f(
    'device-attrs-from-headers',
    'device attributes are overridden by X-Device-Id/X-Hostname/... headers or deviceId/hostname/... form fields',
    ['DT-RSP-06'],
  ),
  f(
    'device-attrs-cached-per-user',
    "device attributes are taken from the user's first login (a second device shows up as the first one)",
    ['DT-PROV-03', 'DT-RSP-06'],
  ),
  // --- tokens
  f('accept-unknown-token', 'any syntactically valid token authenticates (unknown tokens included)', [
    'DT-TOK-03',
  ]),
  f('accept-revoked-token', 'deleted tokens keep working', ['DT-TOK-04']),
  f('accept-other-tenant-token', "a token of another tenant is accepted as this tenant's", ['DT-TOK-05']),
  f('echo-token-in-response', 'the token value is released as a "deviceToken" attribute in the Assertion', [
    'DT-TOK-06',
  ]),
  f('5xx-on-bad-header', 'a malformed Authorization header gets HTTP 500', ['DT-TOK-07']),
  f('list-shows-token', 'GET /device-tokens includes the full token value', ['DT-TOK-08']),
  f('token-limit-unenforced', 'a 17th live token is created (no 409)', ['DT-TOK-08']),
  f('weak-admin-password-rule', 'any non-empty token password is accepted', ['DT-TOK-08']),
  f('token-id-is-value', 'the token id is the token value itself (tokenId attribute, listings)', [
    'DT-RSP-06',
    'DT-TOK-06',
    'DT-TOK-08',
  ]),
  f(
    'forceauthn-no-revalidation',
    'ForceAuthn device-token requests are answered from the cached login of that user and device: token not re-checked, old AuthnInstant',
    ['DT-TOK-09'],
  ),
  f('downgrade-authn-context', 'RequestedAuthnContext is ignored (silent downgrade)', [
    'DT-TOK-10',
    'SAMLCore-3.3.2.2.1',
  ]),
  f(
    'requested-authn-context-no-default-comparison',
    'a browser RequestedAuthnContext without a Comparison attribute gets NoAuthnContext (the "exact" default not applied)',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-exact-refused',
    'a browser RequestedAuthnContext with Comparison="exact" gets NoAuthnContext, even naming the class the login gives (the explicit value not recognised)',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-maximum-refused',
    'a browser RequestedAuthnContext with Comparison="maximum" gets NoAuthnContext, even naming the class the login gives (the value not recognised)',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-exact-unenforced',
    'a browser RequestedAuthnContext with Comparison="exact" and class references is not evaluated: a class the IdP cannot give is served with the class of the login',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-no-comparison-unenforced',
    'a browser RequestedAuthnContext without a Comparison attribute is not evaluated: a class the IdP cannot give is served with the class of the login (no "exact" default applied)',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-declref-ignored',
    'a browser RequestedAuthnContext of AuthnContextDeclRefs only is not evaluated: a declaration the IdP cannot satisfy is served with the class of the login',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f(
    'requested-authn-context-minimum-as-better',
    'a browser RequestedAuthnContext with Comparison="minimum" is evaluated as "better" (strictly stronger): naming the class the login gives gets NoAuthnContext',
    ['SAMLCore-3.3.2.2.1'],
  ),
  f('no-throttling', 'failed token presentations are never throttled', ['DT-TOK-11']),
  // --- names and provisioning
  f('nameid-case-preserved', 'the device-token NameID keeps the letter case of the signed UserId', [
    'DT-RSP-02',
    'DT-PROV-04',
  ]),
  f(
    'nameid-other-user',
    'the device-token Success asserts another user: NameID someone-else@<UserDomain>, not the signed UserId',
    ['DT-REQ-01'],
  ),
  f('nameid-per-login', 'the device-token NameID is a fresh random value on every login', [
    'DT-RSP-02',
    'DT-PROV-02',
  ]),
  f('jit-not-persisted', 'JIT-provisioned users are asserted but never stored in the directory', [
    'DT-PROV-01',
  ]),
  f('jit-ignores-setting', 'unknown users are provisioned even with jitProvisioning off', ['DT-PROV-05']),
  f(
    'duplicate-user-on-race',
    'JIT check-then-insert is not atomic: parallel first logins create duplicate directory records',
    ['DT-PROV-06'],
  ),
  f('ignore-allowed-domains', 'allowedDomains is not enforced', ['DT-PROV-07']),
  f(
    'attributes-not-updated',
    'directory attributes are cached at the first login of a user and never refreshed',
    ['DT-PROV-08'],
  ),
  // --- spec-first faults (test/spec-first-faults.md): written from the requirement sentences only
  f('userdomain-case-sensitive', 'UserDomain is compared with the domain of UserId case-sensitively', [
    'DT-REQ-03',
  ]),
  f('allowed-domains-subdomain', 'allowedDomains matches by suffix: subdomains of an entry pass', [
    'DT-PROV-07',
  ]),
  f('empty-allowed-domains-allows-all', 'allowedDomains [] is read as "no restriction"', ['DT-PROV-07']),
  f('cloudname-case-insensitive', 'CloudName is compared case-insensitively', ['DT-REQ-05']),
  f('values-trimmed', 'DeviceContext values are trimmed: leading/trailing whitespace is accepted', [
    'DT-REQ-06',
  ]),
  f('ostype-case-insensitive', 'OSType is matched case-insensitively ("Windows" accepted)', ['DT-REQ-06']),
  f('userid-length-unchecked', 'UserId lengths (local part 64, whole 127) are not checked', ['DT-REQ-04']),
  f(
    'token-scheme-case-sensitive',
    'only the exact scheme "DeviceToken" is accepted ("devicetoken" is malformed)',
    ['DT-TOK-01'],
  ),
  f('repeated-auth-header-first-wins', 'with repeated Authorization headers the first one is used', [
    'DT-TOK-07',
  ]),
  f(
    'unknown-token-wrong-status',
    'an unknown token gets Requester/RequestDenied instead of Responder/AuthnFailed',
    ['DT-TOK-03'],
  ),
  f('delete-token-revokes-all', 'deleting one token deletes every token of the tenant', ['DT-TOK-04']),
  f('throttle-valid-token-bypasses', 'a locked-out address still gets through with a valid token', [
    'DT-TOK-11',
  ]),
  f('rac-better-accepted', 'RequestedAuthnContext Comparison="better" is served like "minimum"', [
    'DT-TOK-10',
  ]),
  f(
    'rac-comparison-absent-refused',
    'a device-token RequestedAuthnContext without a Comparison attribute gets NoAuthnContext, even naming the device-token class (the "exact" default not applied)',
    ['DT-TOK-10'],
  ),
  f(
    'rac-exact-refused',
    'a device-token RequestedAuthnContext with Comparison="exact" gets NoAuthnContext, even naming the device-token class (the explicit value not recognised)',
    ['DT-TOK-10'],
  ),
  f(
    'rac-minimum-refused',
    'a device-token RequestedAuthnContext with Comparison="minimum" gets NoAuthnContext, even naming the device-token class',
    ['DT-TOK-10'],
  ),
  f(
    'rac-maximum-refused',
    'a device-token RequestedAuthnContext with Comparison="maximum" gets NoAuthnContext, even naming the device-token class',
    ['DT-TOK-10'],
  ),
  f(
    'rac-class-ignored',
    'the AuthnContextClassRefs of a device-token RequestedAuthnContext are not read: a list without the device-token class (e.g. PasswordProtectedTransport) gets Success with the device-token class',
    ['DT-TOK-10'],
  ),
  f('device-attrs-lowercased', 'device attribute values are lowercased', ['DT-RSP-06']),
  f('subject-confirmation-ten-minutes', 'SubjectConfirmationData NotOnOrAfter is IssueInstant + 10 minutes', [
    'DT-RSP-03',
  ]),
  f(
    'future-window-ten-minutes',
    'the request IssueInstant window is symmetric: up to 10 minutes in the future',
    ['DT-REQ-12'],
  ),
  f(
    'ignore-protocol-binding',
    'ProtocolBinding is not looked at (HTTP-Redirect or unknown bindings are served by POST)',
    ['DT-REQ-12'],
  ),
  f(
    'redirect-unsigned-accepted',
    'signing is enforced on HTTP-POST only: unsigned Redirect requests are served',
    ['SDP-IDP04'],
  ),
  f(
    'destination-missing-accepted',
    'Destination is compared only when present: a signed request without one is served',
    ['SAMLBind-3.4.5.2', 'DT-REQ-12'],
  ),
  f(
    'destination-required-unsigned',
    'Destination is required on every request: an unsigned request without one is refused',
    ['IDPC-REQ-05'],
  ),
  f('destination-prefix-match', 'a Destination that starts with the SSO URL is accepted', [
    'SAMLCore-3.2.1',
    'DT-REQ-12',
  ]),
  // Only the device-token profile requires refusing "2.1": SAMLCore §4.1.3.1 lets a responder serve it.
  f('version-major-only', 'only the major Version is checked ("2.1" is served)', ['DT-REQ-12']),
  f('forceauthn-one-ignored', 'ForceAuthn is compared with the string "true" only ("1" reuses the session)', [
    'SDP-IDP07',
  ]),
  f('ispassive-one-ignored', 'IsPassive is compared with the string "true" only ("1" shows the login form)', [
    'SAMLCore-3.4.1',
  ]),
  f('audience-is-acs', 'the Audience is the ACS URL instead of the SP entityID', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-04',
  ]),
  f('recipient-is-entityid', 'the bearer Recipient is the SP entityID instead of the ACS URL', [
    'SAMLProf-4.1.4.2',
    'DT-RSP-03',
  ]),
  f(
    'response-issuer-format-unspecified',
    'Response and Assertion Issuer carry Format="...nameid-format:unspecified"',
    ['SAMLProf-4.1.4.2'],
  ),
  f(
    'second-level-status-top',
    'error Responses carry the second-level code as the only, top-level StatusCode',
    ['SAMLCore-3.2.2.2'],
  ),
  f('timestamps-no-zone', 'timestamps have no zone designator ("2026-01-01T00:00:00.000")', [
    'SAMLCore-1.3.3',
  ]),
  f('sign-inclusive-c14n', 'the Response signature uses inclusive C14N 1.0 instead of exclusive', [
    'SAMLCore-5.4.3',
    'DT-SIG-07',
  ]),
  f('acs-prefix-match', 'a requested ACS URL that starts with a registered one is accepted', [
    'SDP-IDP06',
    'DT-RSP-08',
  ]),
  f('relaystate-dropped-on-error', 'RelayState is returned with Success Responses only', [
    'SAMLBind-3.5.3',
    'DT-REQ-09',
  ]),
  f(
    'unknown-issuer-error-response',
    "an unknown Issuer gets an error Response posted to the request's ACS URL",
    ['SAMLCore-3.4.1'],
  ),
  f(
    'fetch-external-references',
    'a DOCTYPE external entity or a signature RetrievalMethod/XSLT document() URL in a request is fetched before the request is rejected',
    ['IDPC-SEC-01', 'DT-REQ-11'],
  ),
  // --- single-variant faults (issue 9 item 7): each breaks one variant of a multi-variant check alone
  f(
    'dc-missing-elements-allowed',
    'DeviceContext elements may be missing (no "every element is required" check)',
    ['DT-REQ-06'],
  ),
  f('dc-repeated-last-wins', 'a repeated DeviceContext element is accepted; the last one wins', [
    'DT-REQ-06',
  ]),
  f('dc-unknown-dt-ignored', 'unknown dt elements inside dt:Device are ignored like foreign ones', [
    'DT-REQ-06',
  ]),
  f('ostype-pattern-not-enum', 'OSType is checked as lowercase letters, not against the enum', ['DT-REQ-06']),
  f('dc-empty-values-allowed', 'DeviceContext values may be empty (0-256 characters)', ['DT-REQ-06']),
  f('dc-control-chars-allowed', 'control characters in DeviceContext values are not refused', ['DT-REQ-06']),
  f('dc-no-length-limit', 'DeviceContext values longer than 256 characters are accepted', ['DT-REQ-06']),
  f('dc-element-content-as-text', 'a DeviceContext value with element content is read as its text content', [
    'DT-REQ-06',
  ]),
  f('dc-first-of-many', 'with two DeviceContexts the first one is used', ['DT-REQ-06']),
  f(
    'dc-nested-extensions-accepted',
    "a DeviceContext in any samlp:Extensions is read, not only in the AuthnRequest's own",
    ['DT-REQ-06'],
  ),
  f('dc-container-text-ignored', 'text directly inside dt:DeviceContext or dt:Device is ignored', [
    'DT-REQ-06',
  ]),
  f('dc-repeated-device-first-wins', 'a repeated dt:Device is ignored; the first one is used', ['DT-REQ-06']),
  f(
    'dc-unknown-top-level-ignored',
    'unknown dt elements are refused inside dt:Device only; at the DeviceContext level they are ignored',
    ['DT-REQ-06'],
  ),
  f(
    'dc-mixed-content-first-text',
    'a DeviceContext value with a child element (mixed content) is read as its first text node',
    ['DT-REQ-06'],
  ),
  f('userid-whitespace-allowed', 'the UserId local part may contain spaces', ['DT-REQ-04']),
  f('userid-empty-local-part', 'the UserId local part may be empty', ['DT-REQ-04']),
  f('userid-rfc5322-atext', "the UserId local part allows RFC 5322 atext (!#$&'*/=?^`{|}~)", ['DT-REQ-04']),
  f(
    'userid-domain-after-last-at',
    'the UserId domain is what follows the last "@"; the local part may hold "@"',
    ['DT-REQ-04'],
  ),
  f('stale-window-fifteen-minutes', 'requests up to 15 minutes old are accepted (the window is 10)', [
    'DT-REQ-12',
  ]),
  f(
    'any-scheme-accepted',
    'the Authorization scheme is not checked: the token is whatever follows the first space',
    ['DT-TOK-07'],
  ),
  f('token-trimmed', 'the token after the scheme is trimmed ("DeviceToken  <token>" authenticates)', [
    'DT-TOK-07',
  ]),
  f(
    'empty-authorization-crashes',
    'an Authorization header with an empty value raises an internal error (HTTP 500)',
    ['DT-TOK-07'],
  ),
  f('scheme-only-crashes', 'an Authorization header without a space raises an internal error (HTTP 500)', [
    'DT-TOK-07',
  ]),
  f('short-token-crashes', 'a token under 16 characters raises an internal error (HTTP 500)', ['DT-TOK-07']),
  f('long-token-crashes', 'a token over 512 characters raises an internal error (HTTP 500)', ['DT-TOK-07']),
  f(
    'bad-char-token-crashes',
    'a token with a character outside the token alphabet raises an internal error (HTTP 500)',
    ['DT-TOK-07'],
  ),
  f('acs-host-prefix-match', 'the ACS host is accepted when it starts with a registered ACS host', [
    'SDP-IDP06',
    'DT-RSP-08',
  ]),
  f(
    'acs-userinfo-host-confusion',
    'the ACS host is read as the part before "@" (userinfo taken for the host)',
    ['SDP-IDP06', 'DT-RSP-08'],
  ),
  f('acs-normalized-before-compare', 'ACS URLs are compared after resolving "." and ".." path segments', [
    'SDP-IDP06',
    'DT-RSP-08',
  ]),
  f('acs-non-http-unchecked', 'only http(s) ACS URLs are checked against the metadata; other schemes pass', [
    'SDP-IDP06',
    'DT-RSP-08',
  ]),
  f('acs-query-ignored', 'ACS URLs are compared without their query string', ['SDP-IDP06', 'DT-RSP-08']),
  f(
    'acs-subpath-accepted',
    'a requested ACS URL below a registered one (registered + "/" + more) is accepted',
    ['SDP-IDP06'],
  ),
  f('version-minor-only', 'the Version check compares the minor number only ("3.0" is served)', [
    'SAMLCore-3.2.2.2',
  ]),
  f(
    'destination-last-segment-only',
    'only the last path segment of the Destination is compared with the SSO URL',
    ['SAMLCore-3.2.1'],
  ),
  f('destination-query-ignored', 'the Destination is compared without its query string', ['SAMLCore-3.2.1']),
  f('destination-subpath-accepted', 'a Destination below the SSO URL (SSO URL + "/" + more) is accepted', [
    'SAMLCore-3.2.1',
  ]),
  f('cloudname-prefix-match', "a CloudName that starts with the tenant's cloudName is accepted", [
    'DT-REQ-05',
  ]),
  f('acs-trailing-slash-ignored', 'ACS URLs are compared without a trailing slash', ['DT-RSP-08']),
  f('redirect-unknown-sigalg-accepted', 'a Redirect request with an unknown SigAlg is accepted unverified', [
    'SDP-IDP05',
  ]),
  f(
    'redirect-sigalg-without-signature-accepted',
    'a Redirect request with SigAlg but no Signature is accepted unverified',
    ['SDP-IDP05'],
  ),
  f(
    'redirect-signature-without-sigalg-accepted',
    'a Redirect request with Signature but no SigAlg is accepted unverified',
    ['SDP-IDP05'],
  ),
  f('redirect-bad-base64-accepted', 'a Redirect Signature that is not base64 is accepted unverified', [
    'SDP-IDP05',
  ]),
  // --- spec-first review 2 (device-token profile: processing order, throttling, replay, directory, response)
  f(
    'token-before-devicecontext',
    'the token is checked before the DeviceContext rule (stage 6 before stage 5): a malformed DeviceContext with no or an unknown token gets NoPassive/AuthnFailed (top-level Responder) instead of a Requester error',
    ['DT-REQ-06'],
  ),
  f(
    'throttle-forwarded-for',
    'the throttled client is the first X-Forwarded-For address when the header is present, not the TCP peer',
    ['DT-TOK-11'],
  ),
  f(
    'throttle-per-tenant',
    'failed token presentations are counted per tenant and address, not across tenants',
    ['DT-TOK-11'],
  ),
  f(
    'throttle-ignores-malformed',
    'malformed Authorization headers are not counted as failed token presentations',
    ['DT-TOK-11'],
  ),
  f(
    'replay-cache-success-only',
    'only request IDs answered with Success enter the replay cache: an ID answered with an error Response can be sent again',
    ['DT-REQ-13', 'IDPC-REQ-02'],
  ),
  f(
    'rac-declref-unrestricted',
    'a RequestedAuthnContext without AuthnContextClassRef (AuthnContextDeclRef only) is treated as no restriction: device-token Success',
    ['DT-TOK-10'],
  ),
  f(
    'directory-update-merges',
    'POST /users for an existing user merges the body into the record: attributes absent from the body are kept, not removed',
    ['DT-PROV-08'],
  ),
  f(
    'provision-before-domain-check',
    'with JIT on, a new user is written to the directory before the allowedDomains check, which then answers RequestDenied',
    ['DT-PROV-07'],
  ),
  f(
    'second-audience-idp',
    "the AudienceRestriction names the IdP's own entityID as a second Audience besides the SP",
    ['DT-RSP-04'],
  ),
  f(
    'status-message-echoes-header',
    'the StatusMessage of the malformed-Authorization error Response quotes the received header value(s)',
    ['DT-TOK-06'],
  ),
  f(
    'userdomain-attr-from-userid',
    'the userDomain attribute is the domain part of UserId (its letter case), not the signed UserDomain value',
    ['DT-RSP-06'],
  ),
  f(
    'throttle-success-no-reset',
    'a successful token presentation does not reset the failure count: 20 failures in all, not consecutive, lock the address out',
    ['DT-TOK-11'],
  ),
] as const;

/**
 * Modes: conformant but unusual behaviours (an option of the reference IdP, not a bug). A run against a
 * mode must give no FAIL: each one pins down a false FAIL the checks once gave a correct IdP.
 */
const MODE_DEFS = [
  f(
    'unsigned-response-no-issuer',
    'Responses are unsigned (the Assertion is signed) and carry neither Issuer nor Destination, which SAMLProf §4.1.4.2 and SAMLBind §3.5.5.2 allow for an unsigned Response',
    ['SAMLProf-4.1.4.2', 'SAMLBind-3.5.5.2'],
  ),
  f(
    'refuse-with-error-response',
    'a request refused for its signature (missing, invalid, wrong key, wrong SigAlg, wrapped) gets an error Response Requester/RequestDenied without Assertion at the registered ACS instead of an error page (SAMLBind §3.4.6, §3.5.6)',
    ['SDP-IDP04', 'SDP-IDP05', 'SAMLBind-3.4.4.1'],
  ),
  f(
    'login-then-refuse',
    'browser requests show the login form first and are refused only after the login (refusals are still refusals)',
    ['SDP-IDP04', 'SDP-IDP05', 'SAMLBind-3.4.4.1', 'SAMLCore-3.2.1', 'SAMLCore-3.4.1', 'SDP-IDP06'],
  ),
  f(
    'subject-id-only',
    'the IdP supports subject-id alone (SDP-IDP13: one or both): subject-id:req any gets subject-id, and an SP that requires pairwise-id gets Responder/RequestDenied at its ACS (SDP-IDP16)',
    ['SDP-IDP13', 'SDP-IDP15', 'SDP-IDP16', 'SDP-IDP16-error-status'],
  ),
  f(
    'slo-refuse-with-error-response',
    "a LogoutRequest refused for its signature (missing, or by a key not in the SP's metadata) gets a signed LogoutResponse Requester/RequestDenied at the SP's SingleLogoutService instead of an error page; the session is kept",
    ['SDP-IDP26'],
  ),
] as const;

function f<N extends string>(name: N, description: string, requirements: string[]) {
  return { name, description, requirements };
}

export type FaultName = (typeof DEFS)[number]['name'];
export type ModeName = (typeof MODE_DEFS)[number]['name'];

export const FAULTS: FaultInfo[] = DEFS.map((d) => ({ ...d, requirements: [...d.requirements] }));
export const MODES: FaultInfo[] = MODE_DEFS.map((d) => ({ ...d, requirements: [...d.requirements] }));

function known(kind: string, names: readonly string[], all: FaultInfo[]): void {
  const valid = new Set(all.map((x) => x.name));
  const unknown = names.filter((n) => !valid.has(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown ${kind} name(s): ${unknown.join(', ')}; valid names: ${all.map((x) => x.name).join(', ')}`,
    );
  }
}

/** The active faults (and modes) of one IdP instance. */
export class Faults {
  private readonly active: ReadonlySet<string>;
  private readonly modes: ReadonlySet<string>;

  constructor(names: readonly string[] = [], modes: readonly string[] = []) {
    known('fault', names, FAULTS);
    known('mode', modes, MODES);
    this.active = new Set(names);
    this.modes = new Set(modes);
  }

  has(name: FaultName): boolean {
    return this.active.has(name);
  }

  /** A conformant mode is on (see MODES). */
  mode(name: ModeName): boolean {
    return this.modes.has(name);
  }

  list(): string[] {
    return [...this.active];
  }

  listModes(): string[] {
    return [...this.modes];
  }
}
