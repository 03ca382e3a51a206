import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep, systemClock } from '../../../src/runtime/clock.js';
import { describeAwsRequest } from './aws-request.js';
import { countFilterMatches } from './call-match.js';
import { awsErrorReply } from './error-reply.js';
import { FaultRules } from './fault-rules.js';
import { forward, readBody } from './forward.js';
import type { AwsProxy, AwsProxyOptions, AwsRequest, ProxiedCall } from './types.js';

type CallRecord = { -readonly [K in keyof ProxiedCall]: ProxiedCall[K] };

interface Reply {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | string;
}

function send(res: ServerResponse, reply: Reply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': body.length });
  res.end(body);
}

/** moto unreachable: the proxy answers as an HTTP gateway would, so the SDK sees a plain 502. */
function badGateway(target: URL, error: unknown): Reply {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    status: 502,
    headers: { 'content-type': 'text/plain' },
    body: `aws-proxy: ${target.origin} failed: ${reason}`,
  };
}

async function forwardOrBadGateway(target: URL, req: IncomingMessage, body: Buffer): Promise<Reply> {
  try {
    return await forward(target, req, body);
  } catch (error) {
    return badGateway(target, error);
  }
}

/**
 * Starts a reverse proxy in front of moto_server that records every AWS call and injects the faults moto cannot:
 * throttling, random 5xx or dropped connections, scripted errors, slow replies, and rewritten replies. Requests
 * that are not AWS calls (moto's `/moto-api/…`) pass through unrecorded and untouched.
 */
export async function startAwsProxy(options: AwsProxyOptions): Promise<AwsProxy> {
  const target = new URL(options.target);
  const clock = options.clock ?? systemClock;
  const rules = new FaultRules(clock, options.random ?? Math.random);
  const stopping = new AbortController();
  let calls: CallRecord[] = [];
  let nextSeq = 0;

  async function answerFromTarget(call: CallRecord, req: IncomingMessage, body: Buffer): Promise<Reply> {
    const reply = await forwardOrBadGateway(target, req, body);
    const rewrites = rules.rewritesFor(call);
    if (reply.status < 200 || reply.status > 299 || rewrites.length === 0) return reply;
    call.status = reply.status;
    let xml = reply.body.toString('utf8');
    for (const rewrite of rewrites) xml = rewrite(xml, call);
    call.rewritten = true;
    return { ...reply, body: xml };
  }

  async function handleAwsCall(request: AwsRequest, req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const call: CallRecord = {
      ...request,
      seq: nextSeq++,
      receivedAt: clock.now(),
      status: undefined,
      faulted: undefined,
      rewritten: false,
    };
    calls.push(call);
    // Decided on arrival, so concurrent calls meet throttles and failNext counts in arrival order.
    const decision = rules.decide(request);
    if (decision.kind !== 'forward') call.faulted = decision.kind === 'drop' ? 'drop' : decision.fault;
    const delay = rules.latencyFor(request);
    if (delay > 0) await sleep(clock, delay, stopping.signal);
    if (decision.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const reply =
      decision.kind === 'error'
        ? awsErrorReply(request, decision.error, randomUUID())
        : await answerFromTarget(call, req, body);
    call.status = reply.status;
    send(res, reply);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const request = describeAwsRequest(req, body);
    if (request) await handleAwsCall(request, req, res, body);
    else send(res, await forwardOrBadGateway(target, req, body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away, or stop() cut a latency wait short: there is no one left to answer.
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const endpoint = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    endpoint,
    get calls(): readonly ProxiedCall[] {
      return [...calls];
    },
    clearCalls() {
      calls = [];
    },
    countCalls(filter = {}) {
      return calls.filter((call) => countFilterMatches(filter, call)).length;
    },
    setLatency: (latency) => rules.setLatency(latency),
    setThrottle: (rule) => rules.setThrottle(rule),
    failRandomly: (rule) => rules.failRandomly(rule),
    failNext: (match, count, error) => rules.failNext(match, count, error),
    rewrite: (match, fn) => rules.rewrite(match, fn),
    reset() {
      rules.clear();
      calls = [];
    },
    stop() {
      stopping.abort(new Error('aws-proxy stopped'));
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
