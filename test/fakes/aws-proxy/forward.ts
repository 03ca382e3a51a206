import { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, request } from 'node:http';

export interface UpstreamReply {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/** Headers about one hop's connection (RFC 9110 §7.6.1), which a proxy must not pass on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Drops hop-by-hop headers and `content-length` (the sender recomputes it for the body it really sends). */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'content-length') kept[name] = value;
  }
  return kept;
}

export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/**
 * Sends the client's request on to `target` with the same method, path, headers and body bytes, so moto sees
 * exactly what the SDK sent (moto does not check SigV4 signatures, so the rewritten `Host` is harmless).
 */
export function forward(target: URL, incoming: IncomingMessage, body: Buffer): Promise<UpstreamReply> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...endToEndHeaders(incoming.headers), host: target.host, 'content-length': body.length },
        // moto's Werkzeug server closes every connection after one reply, so pooling would buy nothing.
        agent: false,
      },
      (reply) => {
        readBody(reply).then(
          (replyBody) =>
            resolve({
              status: reply.statusCode ?? 502,
              headers: endToEndHeaders(reply.headers),
              body: replyBody,
            }),
          reject,
        );
      },
    );
    upstream.once('error', reject);
    upstream.end(body);
  });
}
