import { type BeforeApplicationShutdown, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { type RocketRide, startEngine } from 'rocketride-streams';
import { describe, expect, it, vi } from 'vitest';
import { InjectRocketRide, ROCKETRIDE_CLIENT, RocketRideModule } from './index.js';
import { accepts, createContext } from './test-support.js';

describe('application shutdown', () => {
  it('app.close() disconnects the client and stops the embedded engine', async () => {
    @Module({ imports: [RocketRideModule.forRoot({ embedded: true, env: {} })] })
    class AppModule {}
    const app = await createContext(AppModule);
    const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    const engine = client.engine;
    if (!engine) throw new Error('expected an embedded engine');
    expect(await accepts(engine.port)).toBe(true);

    await app.close();

    expect(client.isConnected()).toBe(false);
    expect(client.engine).toBeUndefined();
    expect(await accepts(engine.port)).toBe(false);
  });

  it('app.close() disconnects from a configured engine and leaves that engine running', async () => {
    const engine = await startEngine();
    try {
      @Module({ imports: [RocketRideModule.forRoot({ uri: engine.uri, auth: 'K', env: {} })] })
      class AppModule {}
      const app = await createContext(AppModule);
      const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);
      expect(engine.connectionCount()).toBe(1);

      await app.close();

      expect(client.isConnected()).toBe(false);
      await vi.waitFor(() => expect(engine.connectionCount()).toBe(0));
      expect(await accepts(engine.port)).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('the client still works in every provider’s onModuleDestroy and beforeApplicationShutdown, even when the module is global', async () => {
    const calls: string[] = [];
    @Injectable()
    class Cleanup implements OnModuleDestroy, BeforeApplicationShutdown {
      constructor(@InjectRocketRide() private readonly client: RocketRide) {}
      async onModuleDestroy() {
        await this.client.ping();
        calls.push('onModuleDestroy: ping ok');
      }
      async beforeApplicationShutdown() {
        await this.client.ping();
        calls.push('beforeApplicationShutdown: ping ok');
      }
    }
    @Module({ providers: [Cleanup] })
    class FeatureModule {}
    @Module({ imports: [RocketRideModule.forRoot({ embedded: true, env: {}, isGlobal: true }), FeatureModule] })
    class AppModule {}
    const app = await createContext(AppModule);
    const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);

    await app.close();

    expect(calls).toEqual(['onModuleDestroy: ping ok', 'beforeApplicationShutdown: ping ok']);
    expect(client.isConnected()).toBe(false);
  });
});
