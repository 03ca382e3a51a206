import {
  type ConfigurationOptions,
  CoordinationV1Api,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node';

/** Per-call options that make client-node abort the HTTP request (undici fetch) when `signal` aborts. */
function abortable(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** The three Lease calls leader election makes, each abortable. Errors are client-node's ApiException. */
export class LeaseClient {
  readonly namespace: string;
  readonly name: string;
  readonly #api: CoordinationV1Api;

  constructor(kubeConfig: KubeConfig, namespace: string, name: string) {
    this.#api = kubeConfig.makeApiClient(CoordinationV1Api);
    this.namespace = namespace;
    this.name = name;
  }

  get(signal: AbortSignal): Promise<V1Lease> {
    return this.#api.readNamespacedLease({ name: this.name, namespace: this.namespace }, abortable(signal));
  }

  create(spec: V1LeaseSpec, signal: AbortSignal): Promise<V1Lease> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec,
    };
    return this.#api.createNamespacedLease({ namespace: this.namespace, body }, abortable(signal));
  }

  /** PUT with `current`'s resourceVersion: a 409 means someone else wrote the lease since we read it. */
  replace(current: V1Lease, spec: V1LeaseSpec, signal: AbortSignal): Promise<V1Lease> {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: current.metadata ?? { name: this.name, namespace: this.namespace },
      spec,
    };
    return this.#api.replaceNamespacedLease(
      { name: this.name, namespace: this.namespace, body },
      abortable(signal),
    );
  }
}
