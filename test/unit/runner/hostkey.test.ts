// Which host-key algorithms the local runner offers for a pinned key: only that key's, so the server presents it.
import { hostKeyAlgorithms } from '../../../cli/runner/exec';

describe('hostKeyAlgorithms', () => {
  it('offers only the pinned type for ed25519 and ecdsa keys', () => {
    expect(hostKeyAlgorithms('ssh-ed25519 AAAA root@n1')).toEqual(['ssh-ed25519']);
    expect(hostKeyAlgorithms('ecdsa-sha2-nistp384 AAAA')).toEqual(['ecdsa-sha2-nistp384']);
  });

  it('offers the SHA-2 signatures of an RSA key before SHA-1', () => {
    expect(hostKeyAlgorithms('ssh-rsa AAAA')).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  });

  it('refuses a type it cannot check, naming it', () => {
    expect(() => hostKeyAlgorithms('sk-ssh-ed25519@openssh.com AAAA')).toThrow(
      /pinned host key of type "sk-ssh-ed25519@openssh.com": not one ssh2 checks/,
    );
  });
});
