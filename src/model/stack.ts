/**
 * A stack is the set of cloud resources made for one Kubernetes object (a Service, an Ingress group). Its id is the
 * value of the `skyway.dev/stack` tag, so ownership survives restarts.
 */
export type StackKind = 'service' | 'ingress';

export interface StackId {
  readonly kind: StackKind;
  /** Empty for an ingress group that spans namespaces. */
  readonly namespace: string;
  readonly name: string;
}

export function formatStackId(stack: StackId): string {
  return stack.namespace ? `${stack.kind}/${stack.namespace}/${stack.name}` : `${stack.kind}/${stack.name}`;
}

export function parseStackId(text: string): StackId | undefined {
  const parts = text.split('/');
  const [kind, ...rest] = parts;
  if (kind !== 'service' && kind !== 'ingress') return undefined;
  if (rest.length === 2 && rest[0] && rest[1]) return { kind, namespace: rest[0], name: rest[1] };
  if (rest.length === 1 && rest[0] && kind === 'ingress') return { kind, namespace: '', name: rest[0] };
  return undefined;
}
