import type { V1Service } from '@kubernetes/client-node';
import { parseCidr } from '../../src/cidr.js';
import { TerminalError } from '../../src/errors.js';
import { annotationField, ServiceAnnotation } from './annotation-names.js';

/**
 * Who may reach the listeners, as upstream's GetLoadBalancerSourceRanges reads it: `spec.loadBalancerSourceRanges`
 * when it has entries, otherwise the comma-separated annotation. Each CIDR is normalised to its network address,
 * then the list is deduplicated and sorted so an equivalent spelling never looks like a change. Empty = everyone.
 */
export function resolveSourceRanges(service: V1Service): string[] {
  const fromSpec = service.spec?.loadBalancerSourceRanges ?? [];
  if (fromSpec.length > 0) {
    return normalise(
      fromSpec.map((text, index) => ({ text, field: `spec.loadBalancerSourceRanges[${index}]` })),
    );
  }
  const annotation = service.metadata?.annotations?.[ServiceAnnotation.sourceRanges] ?? '';
  const field = annotationField(ServiceAnnotation.sourceRanges);
  const items = annotation
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text !== '');
  return normalise(items.map((text) => ({ text, field })));
}

function normalise(items: readonly { readonly text: string; readonly field: string }[]): string[] {
  const result = new Set<string>();
  for (const { text, field } of items) {
    const cidr = parseCidr(text);
    if (!cidr) throw new TerminalError(field, `"${text}" is not a CIDR (for example 203.0.113.0/24)`);
    result.add(cidr.text);
  }
  return [...result].sort();
}
