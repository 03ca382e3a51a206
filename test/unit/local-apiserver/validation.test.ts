import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/local/apiserver/human-duration.js';
import type { JsonObject } from '../../../src/local/apiserver/json.js';
import { defaultNodeSpec, validateNode } from '../../../src/local/apiserver/node-rules.js';
import { nameProblems, validateObjectMeta } from '../../../src/local/apiserver/validation.js';

describe('name validation', () => {
  it.each([
    ['web', 'dns1035-label', 0],
    ['1web', 'dns1035-label', 1],
    ['1web', 'dns1123-label', 0],
    ['a.b', 'dns1123-label', 1],
    ['a.b', 'dns1123-subdomain', 0],
    ['A', 'dns1123-subdomain', 1],
    ['-a', 'dns1123-subdomain', 1],
    ['a'.repeat(64), 'dns1123-label', 1],
    ['a'.repeat(253), 'dns1123-subdomain', 0],
    ['a'.repeat(254), 'dns1123-subdomain', 1],
  ] as const)('%s as %s has %d problems', (name, rule, count) => {
    expect(nameProblems(name, rule)).toHaveLength(count);
  });

  it('words the messages as apimachinery does', () => {
    expect(nameProblems('Bad_Name', 'dns1123-subdomain')[0]).toMatch(
      /^a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.'/,
    );
  });

  it('checks metadata name, namespace and labels', () => {
    const causes = validateObjectMeta(
      { labels: { 'bad key!': 'v', ok: 'bad value!' } },
      'dns1123-subdomain',
      true,
    );
    expect(causes.map((c) => `${c.field}: ${c.reason}`)).toEqual([
      'metadata.name: FieldValueRequired',
      'metadata.namespace: FieldValueRequired',
      'metadata.labels: FieldValueInvalid',
      'metadata.labels: FieldValueInvalid',
    ]);
    expect(
      validateObjectMeta({ name: 'ok', labels: { 'example.com/x': '' } }, 'dns1123-subdomain', false),
    ).toEqual([]);
  });
});

describe('humanDuration', () => {
  it.each([
    [-5000, '<invalid>'],
    [0, '0s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 60_000, '3h1m'],
    [10 * 3600_000, '10h'],
    [50 * 3600_000, '2d2h'],
    [30 * 86400_000, '30d'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('node rules', () => {
  it('keeps podCIDR and podCIDRs in step and validates them', () => {
    const node: JsonObject = { spec: { podCIDR: '10.244.1.0/24' } };
    defaultNodeSpec(node);
    expect(node.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(validateNode(node, undefined)).toEqual([]);
    const bad: JsonObject = { spec: { podCIDRs: ['10.244.500.0/24'] } };
    defaultNodeSpec(bad);
    expect(validateNode(bad, undefined).map((c) => c.field)).toEqual(['spec.podCIDRs[0]']);
    const twoV4: JsonObject = { spec: { podCIDRs: ['10.0.0.0/24', '10.0.1.0/24'] } };
    expect(validateNode(twoV4, undefined).map((c) => c.field)).toEqual(['spec.podCIDRs']);
    expect(validateNode({ spec: { podCIDRs: ['10.0.0.0/24', 'fd00::/64'] } }, undefined)).toEqual([]);
  });

  it('forbids changing pod CIDRs or providerID once set', () => {
    const old: JsonObject = { spec: { podCIDRs: ['10.0.0.0/24'], providerID: 'aws:///a/i-1' } };
    const changed: JsonObject = { spec: { podCIDRs: ['10.0.1.0/24'], providerID: 'aws:///a/i-2' } };
    expect(validateNode(changed, old).map((c) => `${c.field}: ${c.reason}`)).toEqual([
      'spec.podCIDRs: FieldValueForbidden',
      'spec.providerID: FieldValueForbidden',
    ]);
    expect(validateNode({ spec: { podCIDRs: ['10.0.0.0/24'], providerID: 'x' } }, { spec: {} })).toEqual([]);
  });
});
