/** An `<item>` with no `<item>` inside it: in DescribeRouteTables, a route (or a tag, or an association). */
const INNERMOST_ITEM = /<item>((?:(?!<item>)[\s\S])*?)<\/item>/g;

function routeDestination(itemXml: string): string | undefined {
  const match = /<destination(?:Ipv6)?CidrBlock>\s*([^<\s]+)\s*<\/destination(?:Ipv6)?CidrBlock>/.exec(
    itemXml,
  );
  return match?.[1];
}

/**
 * A `rewrite` for DescribeRouteTables that reports the routes to `destination` (IPv4 or IPv6 CIDR) in a given
 * state, as EC2 does when a route's target instance or ENI is gone (`blackhole`). moto never reports that state.
 */
export function routeState(destination: string, state: 'active' | 'blackhole'): (xml: string) => string {
  return (xml) =>
    xml.replace(INNERMOST_ITEM, (item: string) =>
      routeDestination(item) === destination
        ? item.replace(/<state>[^<]*<\/state>/, `<state>${state}</state>`)
        : item,
    );
}

/** `routeState(destination, 'blackhole')`. */
export function blackholeRoute(destination: string): (xml: string) => string {
  return routeState(destination, 'blackhole');
}
