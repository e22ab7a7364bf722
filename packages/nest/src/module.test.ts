import { Inject, Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { RocketRide, startEngine, type Engine } from 'rocketride-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { InjectRocketRide, ROCKETRIDE_CLIENT, ROCKETRIDE_MODULE_OPTIONS, RocketRideModule } from './index.js';
import { createContext } from './test-support.js';

@Injectable()
class UsesClient {
  constructor(@InjectRocketRide() readonly client: RocketRide) {}
}

const CONFIG = Symbol('CONFIG');
interface AppConfig {
  apiKey: string;
}

@Module({ providers: [{ provide: CONFIG, useValue: { apiKey: 'from-config' } satisfies AppConfig }], exports: [CONFIG] })
class ConfigModule {}

let app: INestApplicationContext | undefined;
let engine: Engine | undefined;

afterEach(async () => {
  await app?.close();
  await engine?.close();
  app = undefined;
  engine = undefined;
});

describe('RocketRideModule.forRoot', () => {
  it('provides one connected client under @InjectRocketRide() and ROCKETRIDE_CLIENT', async () => {
    @Module({ imports: [RocketRideModule.forRoot({ embedded: true, env: {} })], providers: [UsesClient] })
    class AppModule {}
    app = await createContext(AppModule);

    const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    expect(client).toBeInstanceOf(RocketRide);
    expect(app.get(UsesClient).client).toBe(client);
    expect(client.isConnected()).toBe(true);
    expect(client.engine).toBeDefined();
    await client.ping();
  });

  it('connects to the configured engine, with the given credential; isGlobal is not passed to connect()', async () => {
    engine = await startEngine({ apiKey: 'K' });
    @Module({ imports: [RocketRideModule.forRoot({ uri: engine.uri, auth: 'K', env: {}, isGlobal: false })], providers: [UsesClient] })
    class AppModule {}
    app = await createContext(AppModule);

    const client = app.get(UsesClient).client;
    expect(client.engine).toBeUndefined();
    expect(engine.connectionCount()).toBe(1);
    expect(app.get(ROCKETRIDE_MODULE_OPTIONS)).toEqual({ uri: engine.uri, auth: 'K', env: {} });
  });

  it('a failed connect fails the application start with the typed error', async () => {
    engine = await startEngine({ apiKey: 'K' });
    @Module({ imports: [RocketRideModule.forRoot({ uri: engine.uri, auth: 'wrong', env: {} })] })
    class AppModule {}
    await expect(createContext(AppModule)).rejects.toMatchObject({ name: 'AuthenticationError', code: 'ERR_AUTHENTICATION' });
  });
});

describe('RocketRideModule.forRootAsync', () => {
  it('takes its options from a factory with injected configuration from an imported module', async () => {
    engine = await startEngine({ apiKey: 'from-config' });
    const uri = engine.uri;
    const seen: AppConfig[] = [];
    @Module({
      imports: [
        RocketRideModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: async (config: AppConfig) => {
            seen.push(config);
            return { uri, auth: config.apiKey, env: {} };
          },
        }),
      ],
      providers: [UsesClient],
    })
    class AppModule {}
    app = await createContext(AppModule);

    expect(seen).toEqual([{ apiKey: 'from-config' }]);
    expect(app.get(UsesClient).client.isConnected()).toBe(true);
    expect(engine.connectionCount()).toBe(1);
  });

  it('accepts an options class (useClass) whose create() returns the options', async () => {
    @Injectable()
    class RocketRideConfig {
      constructor(@Inject(CONFIG) private readonly config: AppConfig) {}
      create() {
        return { embedded: { apiKey: this.config.apiKey }, env: {} };
      }
    }
    @Module({ imports: [RocketRideModule.forRootAsync({ imports: [ConfigModule], useClass: RocketRideConfig })], providers: [UsesClient] })
    class AppModule {}
    app = await createContext(AppModule);

    // The embedded engine was started with the configured key, and the client authenticated with it.
    const client = app.get(UsesClient).client;
    expect(client.engine).toBeDefined();
    expect(client.isConnected()).toBe(true);
  });
});

describe('isGlobal', () => {
  @Injectable()
  class FeatureService {
    constructor(@InjectRocketRide() readonly client: RocketRide) {}
  }
  @Module({ providers: [FeatureService] })
  class FeatureModule {}

  it('lets a module that does not import RocketRideModule inject the client', async () => {
    @Module({ imports: [RocketRideModule.forRoot({ embedded: true, env: {}, isGlobal: true }), FeatureModule] })
    class AppModule {}
    app = await createContext(AppModule);
    expect(app.get(FeatureService).client).toBe(app.get(ROCKETRIDE_CLIENT));
  });

  it('forRootAsync({ isGlobal: true }) does the same', async () => {
    @Module({ imports: [RocketRideModule.forRootAsync({ isGlobal: true, useFactory: () => ({ embedded: true, env: {} }) }), FeatureModule] })
    class AppModule {}
    app = await createContext(AppModule);
    expect(app.get(FeatureService).client.isConnected()).toBe(true);
  });

  it('without it, such a module cannot resolve the client', async () => {
    engine = await startEngine();
    @Module({ imports: [RocketRideModule.forRoot({ uri: engine.uri, auth: 'K', env: {} }), FeatureModule] })
    class AppModule {}
    await expect(createContext(AppModule)).rejects.toThrow(/FeatureService/);
  });
});
