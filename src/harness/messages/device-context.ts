/**
 * Named edits of the dt:DeviceContext the device agent builds (the hostile and boundary variants of
 * DT-REQ-06 and DT-REQ-07): a spec names an edit, it never edits XML itself. Built as strings on purpose:
 * a DOM would refuse to produce most of them. Each edit must change the element: applyDeviceContextEdit
 * throws a HarnessError when one changes nothing, since a pattern that no longer matches would send the
 * valid request and let a negative check pass without having tested anything.
 */
import { HarnessError } from '../types';

export interface DeviceContextEdit {
  /** What the edit does, for the error when it changes nothing. */
  readonly what: string;
  readonly apply: (xml: string) => string;
}

const edit = (what: string, apply: (xml: string) => string): DeviceContextEdit => ({ what, apply });

/** The text of a dt element replaced (by a function of the old text, or a fixed string). */
const setText = (name: string, what: string, text: (old: string) => string) =>
  edit(what, (x) =>
    x.replace(
      new RegExp(`<dt:${name}>([^<]*)</dt:${name}>`),
      (_m, old: string) => `<dt:${name}>${text(old)}</dt:${name}>`,
    ),
  );

const FOREIGN = 'xmlns:x="urn:example:other"';

export const deviceContextEdits = {
  missingDeviceId: edit('remove dt:DeviceId', (x) => x.replace(/<dt:DeviceId>[^<]*<\/dt:DeviceId>/, '')),
  repeatedHostname: edit('repeat dt:Hostname', (x) =>
    x.replace(/(<dt:Hostname>[^<]*<\/dt:Hostname>)/, '$1$1'),
  ),
  unknownDtElement: edit('add dt:Color inside dt:Device', (x) =>
    x.replace('</dt:Device>', '<dt:Color>red</dt:Color></dt:Device>'),
  ),
  osTypeNotInEnum: setText('OSType', 'OSType beos', () => 'beos'),
  osTypeUpperCase: setText('OSType', 'OSType in upper case', (os) => os.toUpperCase()),
  emptyHostname: setText('Hostname', 'empty Hostname', () => ''),
  hostnameLeadingSpace: setText('Hostname', 'Hostname with a leading space', (h) => ` ${h}`),
  hostnameTab: setText('Hostname', 'Hostname with a TAB', () => 'LAP\tTOP'),
  hostname257: setText('Hostname', 'Hostname of 257 characters', () => 'h'.repeat(257)),
  hostnameElementContent: setText('Hostname', 'Hostname with element content', () => '<b>x</b>'),
  /** Mixed content: the first text node alone is a valid value; the whole text ends in a space. */
  hostnameMixedContent: setText('Hostname', 'Hostname with mixed content', (h) => `${h}<b> </b>`),
  twoDeviceContexts: edit('a second dt:DeviceContext', (x) => x + x),
  nestedExtensions: edit(
    'dt:DeviceContext inside a nested samlp:Extensions',
    (x) => `<x:Wrap ${FOREIGN}><samlp:Extensions>${x}</samlp:Extensions></x:Wrap>`,
  ),
  textInDevice: edit('loose text in dt:Device', (x) => x.replace('<dt:Device>', '<dt:Device>loose text')),
  repeatedDevice: edit('repeat dt:Device', (x) => x.replace(/(<dt:Device>.*<\/dt:Device>)/s, '$1$1')),
  unknownDtElementAfterDevice: edit('add dt:Color after dt:Device', (x) =>
    x.replace('</dt:DeviceContext>', '<dt:Color>red</dt:Color></dt:DeviceContext>'),
  ),
  /** An element of another namespace, last in dt:DeviceContext (to be ignored). */
  foreignElement: edit('add an element of another namespace', (x) =>
    x.replace('</dt:DeviceContext>', `<x:Extra ${FOREIGN}>1</x:Extra></dt:DeviceContext>`),
  ),
  /** Another Hostname (EVIL-HOST): a change of a signed value. */
  hostnameChanged: setText('Hostname', 'Hostname EVIL-HOST', () => 'EVIL-HOST'),
  /** The UserId's local part replaced by `local` (same domain): another principal. */
  userIdLocalPart: (local: string) =>
    setText('UserId', `UserId local part ${local}`, (id) => `${local}${id.slice(id.indexOf('@'))}`),
  /** The UserId text continued by `split` (a comment or processing instruction) and then `tail`. */
  splitUserId: (split: string, tail: string) =>
    setText('UserId', `UserId split by ${split}`, (id) => `${id}${split}${tail}`),
} as const;

/**
 * The edit as a function of the whole request XML (for afterSigning, or a wrapped copy), with the same
 * guard: it must change the request.
 */
export function editDeviceContext(e: DeviceContextEdit): (xml: string) => string {
  return (xml) => applyDeviceContextEdit(xml, e);
}

/** The DeviceContext XML after `e`; a HarnessError when the edit changed nothing. */
export function applyDeviceContextEdit(xml: string, e: DeviceContextEdit): string {
  const out = e.apply(xml);
  if (out === xml) {
    throw new HarnessError(
      'ERR_INTERNAL',
      `the DeviceContext edit "${e.what}" changed nothing: the request would be the valid one`,
      'fix the edit in src/harness/messages/device-context.ts to match the DeviceContext the agent builds',
    );
  }
  return out;
}
