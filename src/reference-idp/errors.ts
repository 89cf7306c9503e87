/** A "reject" outcome: an HTTP 4xx page, no SAMLResponse anywhere (device-token profile, "Outcomes"). */
export class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A Reject for the request's signature (missing, invalid, wrong key, wrong SigAlg, wrapped), from a
 * registered SP: the one refusal the refuse-with-error-response mode answers with an error Response to
 * the SP's registered default ACS instead of the error page ([BIND] §3.4.6, §3.5.6 allow both).
 */
export class SignatureReject extends Reject {
  constructor(
    message: string,
    readonly spEntityId: string,
    readonly defaultAcs: string,
    readonly requestId: string | undefined,
  ) {
    super(400, message);
  }
}
