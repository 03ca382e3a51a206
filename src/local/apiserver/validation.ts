import type { FieldCause } from './api-errors.js';
import { invalidValue, required } from './api-errors.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';

/** Name and metadata validation with apimachinery's rules and messages (validation.IsDNS1123Subdomain etc.). */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** The problems with `name` under `rule`, as detail strings (empty when valid). */
export function nameProblems(name: string, rule: NameRule): string[] {
  const problems: string[] = [];
  switch (rule) {
    case 'dns1123-subdomain':
      if (name.length > 253) problems.push('must be no more than 253 characters');
      if (!SUBDOMAIN.test(name)) problems.push(SUBDOMAIN_MESSAGE);
      break;
    case 'dns1123-label':
      if (name.length > 63) problems.push('must be no more than 63 characters');
      if (!LABEL_1123.test(name)) problems.push(LABEL_1123_MESSAGE);
      break;
    case 'dns1035-label':
      if (name.length > 63) problems.push('must be no more than 63 characters');
      if (!LABEL_1035.test(name)) problems.push(LABEL_1035_MESSAGE);
      break;
    case 'path-segment':
      if (name === '.' || name === '..') problems.push(`may not be '${name}'`);
      for (const bad of ['/', '%']) if (name.includes(bad)) problems.push(`may not contain '${bad}'`);
      break;
  }
  return problems;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function qualifiedNameProblems(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (slash >= 0 && (prefix === '' || nameProblems(prefix, 'dns1123-subdomain').length > 0)) {
    problems.push('prefix part must be a lowercase RFC 1123 subdomain');
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    problems.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return problems;
}

/** ValidateObjectMeta: name (or generateName), namespace presence, label and annotation keys/values. */
export function validateObjectMeta(meta: JsonObject, rule: NameRule, namespaced: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    causes.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const problem of nameProblems(name, rule)) causes.push(invalidValue('metadata.name', name, problem));
  }
  if (namespaced && (typeof meta.namespace !== 'string' || meta.namespace === '')) {
    causes.push(required('metadata.namespace'));
  }
  const labels = meta.labels;
  if (isJsonObject(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      for (const problem of qualifiedNameProblems(key)) {
        causes.push(invalidValue('metadata.labels', key, problem));
      }
      const text = typeof value === 'string' ? value : '';
      if (text.length > 63)
        causes.push(invalidValue('metadata.labels', text, 'must be no more than 63 characters'));
      else if (!LABEL_VALUE.test(text)) {
        causes.push(
          invalidValue(
            'metadata.labels',
            text,
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          ),
        );
      }
    }
  }
  const annotations = meta.annotations;
  if (isJsonObject(annotations)) {
    for (const key of Object.keys(annotations)) {
      for (const problem of qualifiedNameProblems(key)) {
        causes.push(invalidValue('metadata.annotations', key, problem));
      }
    }
  }
  return causes;
}
