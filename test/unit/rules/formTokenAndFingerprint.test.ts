import crypto from 'node:crypto';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { commentFingerprint } from '../../../src/moderation/commentFingerprint';
import { signFormToken, verifyFormToken } from '../../../src/moderation/formToken';
import { floodKeyForIp } from '../../../src/moderation/evaluateNewComment';
import { registerRulesPaths } from '../../../src/moderation/rulesOpenApi';

const key = crypto.randomBytes(32);
const at = new Date('2026-03-01T12:00:00Z');

describe('form tokens', () => {
  const good = signFormToken(key, 'demo', at);
  test.each([
    ['round trip', good, { kind: 'valid', renderedAt: at }],
    ['absent', undefined, { kind: 'absent' }],
    ['empty', '', { kind: 'absent' }],
    ['other site', signFormToken(key, 'other', at), { kind: 'invalid' }],
    ['other key', signFormToken(crypto.randomBytes(32), 'demo', at), { kind: 'invalid' }],
    ['time changed', good.replace(/^\d+/, String(at.getTime() - 60_000)), { kind: 'invalid' }],
    ['garbage', 'hello', { kind: 'invalid' }],
    ['truncated mac', good.slice(0, -1), { kind: 'invalid' }],
  ])('%s', (_case, token, expected) => {
    expect(verifyFormToken(key, 'demo', token)).toEqual(expected);
  });
});

describe('commentFingerprint', () => {
  test.each([
    ['case and spacing', 'I agree with this.', 'i  agree   with THIS', true],
    ['accents and look-alikes', 'Café résumé', 'cafe rеsume', true],
    ['zero-width characters', 'spam here', 'sp\u200Bam here', true],
    ['different words', 'I agree with this.', 'I disagree with this.', false],
  ])('%s', (_case, a, b, same) => {
    expect(commentFingerprint(a) === commentFingerprint(b)).toBe(same);
  });
});

test('the rules endpoints generate an OpenAPI description', () => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' });
  registerRulesPaths(registry, z.object({ error: z.object({ code: z.string(), message: z.string() }) }));
  const doc = new OpenApiGeneratorV3(registry.definitions).generateDocument({ openapi: '3.0.3', info: { title: 't', version: '1' } });
  expect(Object.keys(doc.paths ?? {})).toEqual(expect.arrayContaining([
    '/api/v1/moderation/sites/{site}/rules/test', '/api/v1/moderation/sites/{site}/bans', '/api/v1/sites/{site}/form-token',
  ]));
});

describe('floodKeyForIp', () => {
  test.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['not an ip', 'not an ip'],
  ])('%s', (ip, key) => {
    expect(floodKeyForIp(ip)).toBe(key);
  });
});
