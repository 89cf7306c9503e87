/** The part of xml-encryption 6 the XML layer uses (the package ships no types). */
declare module 'xml-encryption' {
  export interface DecryptOptions {
    key: string | Buffer;
    disallowDecryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  }
  export function decrypt(
    xml: string,
    options: DecryptOptions,
    callback: (err: Error | null, result?: string) => void,
  ): void;
  /** Unwraps the EncryptedKey (key transport) the xml names; throws when it does not unwrap. */
  export function decryptKeyInfo(xml: string, options: DecryptOptions): Buffer;
}
