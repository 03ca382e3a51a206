/**
 * Go's strconv.ParseBool, which upstream uses for boolean annotations and for the exclude-from-external-load-balancers
 * label; matching it exactly keeps values such as "1" or "True" meaning what they meant before. Undefined when the
 * text is none of its spellings.
 */
export function parseGoBool(text: string): boolean | undefined {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}
