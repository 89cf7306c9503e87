/**
 * Review of issue 8: DeviceContext edits are named (messages/device-context.ts), and an edit that changes
 * nothing is a HarnessError, never a valid request sent in place of the negative variant.
 */
import { expect } from 'chai';
import {
  applyDeviceContextEdit,
  deviceContextEdits,
  type DeviceContextEdit,
} from '../../src/harness/messages/device-context';
import { deviceContextXml, newDevice } from '../../src/harness/roles/client/device-agent';
import { HarnessError } from '../../src/harness/types';

const built = deviceContextXml({
  userId: 'user.1@example.com',
  userDomain: 'example.com',
  cloudName: 'cloud-a',
  device: newDevice(),
});

describe('named DeviceContext edits', () => {
  const named: [string, DeviceContextEdit][] = [
    ...Object.entries(deviceContextEdits).filter(
      (x): x is [string, DeviceContextEdit] => typeof x[1] !== 'function',
    ),
    ['splitUserId', deviceContextEdits.splitUserId('<!---->', '.evil.test')],
    ['userIdLocalPart', deviceContextEdits.userIdLocalPart('victim')],
  ];

  it('every edit changes the DeviceContext the agent builds', () => {
    expect(named.length).to.be.greaterThan(15);
    for (const [name, e] of named) expect(applyDeviceContextEdit(built, e), name).to.not.equal(built);
  });

  it('an edit that matches nothing is a HarnessError naming the edit', () => {
    const noDevice = built.replace(/<dt:Device>.*<\/dt:Device>/s, '');
    let thrown: unknown;
    try {
      applyDeviceContextEdit(noDevice, deviceContextEdits.missingDeviceId);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(HarnessError);
    expect((thrown as HarnessError).message).to.include('remove dt:DeviceId');
  });

  it('the local-part edit keeps the domain', () => {
    const out = applyDeviceContextEdit(built, deviceContextEdits.userIdLocalPart('victim'));
    expect(out).to.include('<dt:UserId>victim@example.com</dt:UserId>');
  });

  it('the split edit continues the UserId text after the split', () => {
    const out = applyDeviceContextEdit(built, deviceContextEdits.splitUserId('<?idpc split?>', '.evil.test'));
    expect(out).to.include('<dt:UserId>user.1@example.com<?idpc split?>.evil.test</dt:UserId>');
  });
});
