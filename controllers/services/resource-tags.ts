import { ServiceAnnotation } from './annotation-names.js';
import type { AnnotationReader } from './annotation-values.js';

/** Ownership tags are ours; `aws:` is reserved by AWS itself. */
const RESERVED_PREFIXES = ['kubernetes.io/cluster/', 'skyway.dev/', 'aws:'];
/** AWS allows 50 tags per resource; the provider adds three ownership tags. */
const MAX_ADDITIONAL_TAGS = 47;
/** The ELBv2 / EC2 tag character set: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function parseAdditionalTags(reader: AnnotationReader): Record<string, string> {
  const key = ServiceAnnotation.additionalResourceTags;
  const tags = reader.keyValues(key);
  if (!tags) return {};
  if (tags.size > MAX_ADDITIONAL_TAGS) {
    throw reader.invalid(
      key,
      `${tags.size} tags`,
      `at most ${MAX_ADDITIONAL_TAGS} (AWS allows 50, Skyway uses 3)`,
    );
  }
  const result: Record<string, string> = {};
  for (const [name, value] of tags) {
    const reserved = RESERVED_PREFIXES.find((prefix) => name.toLowerCase().startsWith(prefix));
    if (reserved) throw reader.invalid(key, name, `tag keys starting with ${reserved} are reserved`);
    if (name.length > 128) throw reader.invalid(key, name, 'tag keys are at most 128 characters');
    if (value.length > 256)
      throw reader.invalid(key, `${name}=${value}`, 'tag values are at most 256 characters');
    if (!TAG_CHARACTERS.test(name) || !TAG_CHARACTERS.test(value)) {
      throw reader.invalid(key, `${name}=${value}`, 'tags allow letters, digits, spaces and _ . : / = + - @');
    }
    result[name] = value;
  }
  return result;
}
