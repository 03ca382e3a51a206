import { TerminalError } from '../../src/errors.js';
import { annotationField } from './annotation-names.js';
import { parseGoBool } from './go-bool.js';

/** Read access to one Service's annotations, every failure a TerminalError naming the annotation. */
export class AnnotationReader {
  readonly #annotations: Readonly<Record<string, string>>;

  constructor(annotations: Readonly<Record<string, string>> | undefined) {
    this.#annotations = annotations ?? {};
  }

  /** The trimmed value; undefined when absent or blank (upstream treats blank as unset). */
  string(key: string): string | undefined {
    const value = this.#annotations[key]?.trim();
    return value ? value : undefined;
  }

  integer(key: string, min: number, max: number, why: string): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) {
      throw this.invalid(key, text, `must be an integer from ${min} to ${max} (${why})`);
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const value = parseGoBool(text);
    if (value === undefined) throw this.invalid(key, text, 'must be true or false');
    return value;
  }

  /** One of `allowed`, compared case-insensitively; returns the allowed spelling. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const match = allowed.find((value) => value.toLowerCase() === text.toLowerCase());
    if (match === undefined) throw this.invalid(key, text, `must be one of ${allowed.join(', ')}`);
    return match;
  }

  /** `a, b, c`: trimmed, empty items dropped (a trailing comma is harmless), duplicates rejected. */
  list(key: string): string[] | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item)) throw this.invalid(key, text, `lists "${item}" twice`);
      seen.add(item);
    }
    return items;
  }

  /**
   * `k=v, k2=v2` as upstream's getKeyValuePropertiesFromAnnotation reads it: split on the first `=`, both sides
   * trimmed, a bare `k` meaning an empty value. A key given twice is rejected rather than silently last-wins.
   */
  keyValues(key: string): Map<string, string> | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const result = new Map<string, string>();
    for (const item of text.split(',')) {
      if (item.trim() === '') continue;
      const at = item.indexOf('=');
      const name = (at < 0 ? item : item.slice(0, at)).trim();
      const value = at < 0 ? '' : item.slice(at + 1).trim();
      if (name === '') throw this.invalid(key, text, `"${item.trim()}" has no key (expected key=value)`);
      if (result.has(name)) throw this.invalid(key, text, `sets "${name}" twice`);
      result.set(name, value);
    }
    return result;
  }

  invalid(key: string, value: string, why: string): TerminalError {
    return new TerminalError(annotationField(key), `invalid value "${value}": ${why}`);
  }
}
