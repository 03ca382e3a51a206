import { type MotoServer, startMotoServer } from '../../src/local/moto.js';

/**
 * One moto_server per test file, with the SDK pointed at it through the standard endpoint variable and dummy
 * credentials, exactly as a user points Skyway at LocalStack.
 */
export async function startMotoForTests(): Promise<MotoServer> {
  const moto = await startMotoServer();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  return moto;
}
