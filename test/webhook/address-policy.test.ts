import { describe, expect, it } from 'vitest';
import { checkCallbackUrl, isPublicAddress } from '../../src/webhook/address-policy.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not an ip',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});

describe('checkCallbackUrl', () => {
  it.each([
    ['ftp://example.org/hook', /only http and https/],
    ['http://user:pw@example.org/hook', /credentials/],
    ['not a url', /not a URL/],
    ['http://127.0.0.1:9000/hook', /127\.0\.0\.1/],
    ['http://localhost/hook', /private, loopback or link-local/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['http://[::1]:8080/hook', /::1/],
    ['https://10.0.0.8/hook', /10\.0\.0\.8/],
  ])('refuses %s with INVALID_CALLBACK_URL', async (url, reason) => {
    await expect(checkCallbackUrl(url, false)).rejects.toMatchObject({ code: 'INVALID_CALLBACK_URL', message: expect.stringMatching(reason) });
  });

  it('allows loopback when private callbacks are allowed', async () => {
    await expect(checkCallbackUrl('http://127.0.0.1:9000/hook', true)).resolves.toBeInstanceOf(URL);
    await expect(checkCallbackUrl('http://localhost:9000/hook', true)).resolves.toBeInstanceOf(URL);
  });

  it('refuses a name that does not resolve', async () => {
    await expect(checkCallbackUrl('http://no-such-host.invalid/hook', true)).rejects.toMatchObject({ code: 'INVALID_CALLBACK_URL' });
  });
});
