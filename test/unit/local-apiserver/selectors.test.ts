import { describe, expect, it } from 'vitest';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../../src/local/apiserver/selectors.js';

const labels = { app: 'web', tier: 'frontend', 'topology.kubernetes.io/zone': 'a', replicas: '3' };
const matches = (selector: string) => matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app!=web', false],
    ['tier in (frontend, backend)', true],
    ['tier in (backend)', false],
    ['tier notin (backend)', true],
    ['missing notin (x)', true],
    ['tier notin (frontend)', false],
    ['topology.kubernetes.io/zone', true],
    ['!topology.kubernetes.io/zone', false],
    ['!missing', true],
    ['missing', false],
    ['app=web, tier in (frontend),!missing', true],
    ['app=web,tier=backend', false],
    ['replicas>2', true],
    ['replicas<2', false],
    ['app=', false],
  ])('%j matches: %s', (selector, expected) => {
    expect(matches(selector)).toBe(expected);
  });

  it('matches an empty value only when the label is present and empty', () => {
    expect(matchesLabels(parseLabelSelector('role='), { role: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('role='), {})).toBe(false);
  });

  it.each(['app=(web)', 'in (a)', 'app in a', 'a=b=c', 'app=-bad', 'x>y', 'a,,b'])(
    'rejects %j',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
    },
  );
});

describe('field selectors', () => {
  const fields = { 'metadata.name': 'n1', 'involvedObject.kind': 'Node', 'involvedObject.namespace': '' };

  it('parses =, == and != and matches exact values', () => {
    expect(parseFieldSelector('metadata.name==n1,involvedObject.kind!=Pod')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'n1' },
      { field: 'involvedObject.kind', operator: '!=', value: 'Pod' },
    ]);
    expect(matchesFields(parseFieldSelector('metadata.name=n1,involvedObject.kind=Node'), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('involvedObject.namespace='), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name!=n1'), fields)).toBe(false);
  });

  it('unescapes \\, and \\= in values', () => {
    expect(parseFieldSelector('message=a\\,b\\=c')).toEqual([
      { field: 'message', operator: '=', value: 'a,b=c' },
    ]);
  });

  it('rejects a requirement without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(SelectorError);
  });
});
