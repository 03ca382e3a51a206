import type { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { MotoServer } from '../../src/local/moto.js';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy/index.js';
import { plainEc2 } from './aws-cluster.js';
import { startMotoForTests } from './moto.js';

export interface MotoBehindProxy {
  readonly moto: MotoServer;
  /** Skyway's SDK clients go through it (AWS_ENDPOINT_URL points here). */
  readonly proxy: AwsProxy;
  /** A plain client straight to moto, for seeding and assertions the proxy must not count. */
  readonly ec2: EC2Client;
  /** Cleanups run after each test (e.g. closing a provider's clients). */
  readonly closers: (() => void)[];
}

/**
 * Registers the hooks of a test file that talks to moto through the fault proxy: one moto and one proxy per file,
 * all AWS state and proxy rules reset after each test. Call inside `describe`, read the handles inside tests.
 */
export function useMotoBehindProxy(): () => MotoBehindProxy {
  let handles: MotoBehindProxy | undefined;
  beforeAll(async () => {
    const moto = await startMotoForTests();
    const proxy = await startAwsProxy({ target: moto.endpoint });
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    handles = { moto, proxy, ec2: plainEc2(moto.endpoint), closers: [] };
  });
  afterEach(async () => {
    if (!handles) return;
    for (const close of handles.closers.splice(0)) close();
    handles.proxy.reset();
    await handles.moto.reset();
  });
  afterAll(async () => {
    handles?.ec2.destroy();
    await handles?.proxy.stop();
    await handles?.moto.stop();
  });
  return () => {
    if (!handles) throw new Error('useMotoBehindProxy: used outside a test');
    return handles;
  };
}
