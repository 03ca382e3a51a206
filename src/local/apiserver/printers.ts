import { ageOf } from './human-duration.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import { labelsOf, metaOf, nameOf } from './object-meta.js';

/**
 * The server-side table printers (pkg/printers/internalversion) for the served kinds: the columns
 * `kubectl get` shows, computed the way kube-apiserver computes them. Priority-1 columns are the `-o wide` ones.
 */
export interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly format: '' | 'name';
  readonly description: string;
  readonly priority: 0 | 1;
}

export interface Printer {
  readonly columns: readonly Column[];
  cells(obj: JsonObject, now: number): JsonValue[];
}

const col = (name: string, priority: 0 | 1 = 0, type: Column['type'] = 'string'): Column => ({
  name,
  type,
  format: name === 'Name' ? 'name' : '',
  description: `${name} of the object`,
  priority,
});

const obj = (value: JsonValue | undefined): JsonObject => (isJsonObject(value) ? value : {});
const list = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);
const str = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : '');
const age = (o: JsonObject, now: number) => ageOf(metaOf(o).creationTimestamp, now);

function loadBalancerAddresses(status: JsonValue | undefined): string {
  return list(obj(status).ingress)
    .map((entry) => str(obj(entry).ip) || str(obj(entry).hostname))
    .filter((a) => a !== '')
    .join(',');
}

function serviceExternalIp(svc: JsonObject): string {
  const spec = obj(svc.spec);
  const externalIps = list(spec.externalIPs).map(String);
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIps.length > 0 ? externalIps.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj(svc.status).loadBalancer);
      const all = [...(lb ? lb.split(',') : []), ...externalIps];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: JsonObject): string {
  const text = list(obj(svc.spec).ports)
    .map((p) => {
      const port = obj(p);
      const nodePort = typeof port.nodePort === 'number' && port.nodePort !== 0 ? `:${port.nodePort}` : '';
      return `${String(port.port)}${nodePort}/${str(port.protocol) || 'TCP'}`;
    })
    .join(',');
  return text || '<none>';
}

function formatLabels(labels: JsonValue | undefined): string {
  const entries = Object.entries(obj(labels)).sort(([a], [b]) => a.localeCompare(b));
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}

function nodeStatus(node: JsonObject): string {
  const ready = list(obj(node.status).conditions)
    .map(obj)
    .find((c) => c.type === 'Ready');
  const status = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (obj(node.spec).unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(node: JsonObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labelsOf(node))) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(node: JsonObject, type: string): string {
  const found = list(obj(node.status).addresses)
    .map(obj)
    .find((a) => a.type === type);
  return found ? str(found.address) : '<none>';
}

function truncatedList(items: readonly string[], max = 3): string {
  if (items.length === 0) return '<none>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

function eventCells(event: JsonObject, now: number): JsonValue[] {
  const series = obj(event.series);
  const first = str(event.firstTimestamp) ? ageOf(event.firstTimestamp, now) : ageOf(event.eventTime, now);
  let last = str(event.lastTimestamp) ? ageOf(event.lastTimestamp, now) : first;
  let count = typeof event.count === 'number' && event.count > 0 ? event.count : 1;
  if (isJsonObject(event.series)) {
    last = ageOf(series.lastObservedTime, now);
    count = typeof series.count === 'number' ? series.count : count;
  }
  const involved = obj(event.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  const source = obj(event.source);
  const component = str(source.component) || str(event.reportingComponent);
  const host = str(source.host) || str(event.reportingInstance);
  return [
    last,
    str(event.type),
    str(event.reason),
    target,
    str(involved.fieldPath),
    host ? `${component}, ${host}` : component,
    str(event.message).trim(),
    first,
    count,
    nameOf(event),
  ];
}

const PRINTERS: Readonly<Record<string, Printer>> = {
  Service: {
    columns: [
      col('Name'),
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      col('Age'),
      col('Selector', 1),
    ],
    cells: (svc, now) => {
      const spec = obj(svc.spec);
      const clusterIps = list(spec.clusterIPs);
      return [
        nameOf(svc),
        str(spec.type),
        clusterIps.length > 0 ? String(clusterIps[0]) : '<none>',
        serviceExternalIp(svc),
        servicePorts(svc),
        age(svc, now),
        formatLabels(spec.selector),
      ];
    },
  },
  Node: {
    columns: [
      col('Name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 1),
      col('External-IP', 1),
      col('OS-Image', 1),
      col('Kernel-Version', 1),
      col('Container-Runtime', 1),
    ],
    cells: (node, now) => {
      const info = obj(obj(node.status).nodeInfo);
      return [
        nameOf(node),
        nodeStatus(node),
        nodeRoles(node),
        age(node, now),
        str(info.kubeletVersion),
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ];
    },
  },
  Namespace: {
    columns: [col('Name'), col('Status'), col('Age')],
    cells: (ns, now) => [nameOf(ns), str(obj(ns.status).phase), age(ns, now)],
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 1),
      col('Source', 1),
      col('Message'),
      col('First Seen', 1),
      col('Count', 1),
      { ...col('Name', 1), format: 'name' },
    ],
    cells: eventCells,
  },
  Endpoints: {
    columns: [col('Name'), col('Endpoints'), col('Age')],
    cells: (ep, now) => {
      const addresses = list(ep.subsets).flatMap((subset) => {
        const ports = list(obj(subset).ports).map((p) => obj(p).port);
        return list(obj(subset).addresses).flatMap((a) => {
          const ip = str(obj(a).ip);
          return ports.length > 0 ? ports.map((port) => `${ip}:${String(port)}`) : [ip];
        });
      });
      return [nameOf(ep), truncatedList(addresses), age(ep, now)];
    },
  },
  EndpointSlice: {
    columns: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    cells: (slice, now) => {
      const ports = list(slice.ports).map((p) => String(obj(p).port ?? ''));
      const addresses = list(slice.endpoints).flatMap((e) => list(obj(e).addresses).map(String));
      return [
        nameOf(slice),
        str(slice.addressType),
        ports.length > 0 ? ports.join(',') : '<unset>',
        addresses.length > 0 ? truncatedList(addresses) : '<unset>',
        age(slice, now),
      ];
    },
  },
  Ingress: {
    columns: [col('Name'), col('Class'), col('Hosts'), col('Address'), col('Ports'), col('Age')],
    cells: (ing, now) => {
      const spec = obj(ing.spec);
      const hosts = list(spec.rules)
        .map((r) => str(obj(r).host))
        .filter((h) => h !== '');
      return [
        nameOf(ing),
        str(spec.ingressClassName) || '<none>',
        hosts.length > 0 ? truncatedList(hosts) : '*',
        loadBalancerAddresses(obj(ing.status).loadBalancer),
        list(spec.tls).length > 0 ? '80, 443' : '80',
        age(ing, now),
      ];
    },
  },
  IngressClass: {
    columns: [col('Name'), col('Controller'), col('Parameters'), col('Age')],
    cells: (ic, now) => {
      const params = obj(obj(ic.spec).parameters);
      const shown = str(params.kind) ? `${str(params.kind)}/${str(params.name)}` : '<none>';
      return [nameOf(ic), str(obj(ic.spec).controller), shown, age(ic, now)];
    },
  },
  Lease: {
    columns: [col('Name'), col('Holder'), col('Age')],
    cells: (lease, now) => [nameOf(lease), str(obj(lease.spec).holderIdentity), age(lease, now)],
  },
  Secret: {
    columns: [col('Name'), col('Type'), col('Data', 0, 'integer'), col('Age')],
    cells: (s, now) => [nameOf(s), str(s.type), Object.keys(obj(s.data)).length, age(s, now)],
  },
  ConfigMap: {
    columns: [col('Name'), col('Data', 0, 'integer'), col('Age')],
    cells: (cm, now) => [
      nameOf(cm),
      Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length,
      age(cm, now),
    ],
  },
  ServiceAccount: {
    columns: [col('Name'), col('Secrets', 0, 'integer'), col('Age')],
    cells: (sa, now) => [nameOf(sa), list(sa.secrets).length, age(sa, now)],
  },
  Pod: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts', 0, 'integer'),
      col('Age'),
      col('IP', 1),
      col('Node', 1),
    ],
    cells: (pod, now) => {
      const status = obj(pod.status);
      const containers = list(obj(pod.spec).containers).length;
      const statuses = list(status.containerStatuses).map(obj);
      const ready = statuses.filter((s) => s.ready === true).length;
      const restarts = statuses.reduce(
        (sum, s) => sum + (typeof s.restartCount === 'number' ? s.restartCount : 0),
        0,
      );
      return [
        nameOf(pod),
        `${ready}/${containers}`,
        str(status.reason) || str(status.phase),
        restarts,
        age(pod, now),
        str(status.podIP) || '<none>',
        str(obj(pod.spec).nodeName) || '<none>',
      ];
    },
  },
};

/** The default table of the generic registry: name and creation time. */
const DEFAULT_PRINTER: Printer = {
  columns: [col('Name'), { ...col('Created At', 0, 'date') }],
  cells: (o) => [nameOf(o), str(metaOf(o).creationTimestamp)],
};

export function printerFor(kind: string): Printer {
  return PRINTERS[kind] ?? DEFAULT_PRINTER;
}
