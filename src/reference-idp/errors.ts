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
