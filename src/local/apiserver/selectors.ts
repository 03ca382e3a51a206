/**
 * Label and field selectors with the grammar of apimachinery's labels.Parse and fields.ParseSelector.
 * Parse errors throw SelectorError; the HTTP layer turns them into 400 BadRequest, as the real server does.
 */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

export type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

export function parseLabelSelector(text: string): readonly LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const trimmed = part.trim();
    if (trimmed === '') {
      if (text.trim() === '') continue;
      throw new SelectorError(`unable to parse requirement: found '', expected: identifier`);
    }
    requirements.push(parseRequirement(trimmed));
  }
  return requirements;
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Labels): boolean {
  return requirements.every((r) => matchesRequirement(r, labels));
}

function matchesRequirement(r: LabelRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case '=':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case '>':
    case '<': {
      if (!has) return false;
      const actual = Number.parseInt(value!, 10);
      const bound = Number.parseInt(r.values[0]!, 10);
      if (Number.isNaN(actual)) return false;
      return r.operator === '>' ? actual > bound : actual < bound;
    }
  }
}

// Splits on commas that are not inside a parenthesised value set.
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

const KEY = '(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?';
const VALUE = '(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?';
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);
const BINARY_RE = new RegExp(String.raw`^(${KEY})\s*(==|!=|=|>|<)\s*(\S*)$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);
const VALUE_RE = new RegExp(`^${VALUE}$`);

function parseRequirement(text: string): LabelRequirement {
  const set = SET_RE.exec(text);
  if (set) {
    const values = set[3]!
      .split(',')
      .map((v) => v.trim())
      .filter((v, _i, all) => v !== '' || all.length > 1);
    for (const v of values) checkValue(v);
    return { key: set[1]!, operator: set[2] as 'in' | 'notin', values };
  }
  const binary = BINARY_RE.exec(text);
  if (binary) {
    const op = binary[2] === '==' ? '=' : (binary[2] as '=' | '!=' | '>' | '<');
    const value = binary[3]!;
    if ((op === '>' || op === '<') && !/^-?\d+$/.test(value)) {
      throw new SelectorError(
        `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
      );
    }
    if (op !== '>' && op !== '<') checkValue(value);
    return { key: binary[1]!, operator: op, values: [value] };
  }
  const exists = EXISTS_RE.exec(text);
  if (exists) return { key: exists[2]!, operator: exists[1] ? '!' : 'exists', values: [] };
  throw new SelectorError(`unable to parse requirement: couldn't parse the selector string "${text}"`);
}

function checkValue(value: string): void {
  if (value.length > 63 || !VALUE_RE.test(value)) {
    throw new SelectorError(
      `unable to parse requirement: values[0][value]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** fields.ParseSelector: `a=b,c!=d`, with `\,` `\=` `\!` and `\\` escapes in values. */
export function parseFieldSelector(text: string): readonly FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    if (part.trim() === '') continue;
    const match = /^([^=!]+?)\s*(==|!=|=)(.*)$/s.exec(part);
    if (!match) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    requirements.push({
      field: match[1]!.trim(),
      operator: match[2] === '!=' ? '!=' : '=',
      value: unescapeFieldValue(match[3]!),
    });
  }
  return requirements;
}

export function matchesFields(
  requirements: readonly FieldRequirement[],
  fields: Readonly<Record<string, string>>,
) {
  return requirements.every((r) => {
    const actual = fields[r.field] ?? '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
