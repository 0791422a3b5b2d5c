import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './env.config';

const realKey = randomBytes(32).toString('base64');
const token = 'a-real-admin-token-0123';

describe('configuration', () => {
  it.each(['production', 'Production', 'prod', 'staging', 'PRODUCTION'])(
    'NODE_ENV=%s needs the real master key',
    (nodeEnv) => {
      expect(() => loadConfig({ NODE_ENV: nodeEnv, HUB_ADMIN_TOKEN: token })).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV: nodeEnv, HUB_ADMIN_TOKEN: token })).toThrow('HUB_MASTER_KEY');
      const config = loadConfig({ NODE_ENV: nodeEnv, HUB_ADMIN_TOKEN: token, HUB_MASTER_KEY: realKey });
      expect(config.production).toBe(true);
      expect(config.masterKeyIsDerived).toBe(false);
    },
  );

  it.each(['development', 'test'])('NODE_ENV=%s may use the development key', (nodeEnv) => {
    const config = loadConfig({ NODE_ENV: nodeEnv });
    expect(config.production).toBe(false);
    expect(config.masterKeyIsDerived).toBe(true);
  });

  it('refuses an admin token shorter than 16 characters in every environment', () => {
    for (const nodeEnv of ['development', 'test', 'production']) {
      expect(() =>
        loadConfig({ NODE_ENV: nodeEnv, HUB_ADMIN_TOKEN: 'short-token', HUB_MASTER_KEY: realKey }),
      ).toThrow('16 characters');
    }
    expect(() => loadConfig({ NODE_ENV: 'prod', HUB_MASTER_KEY: realKey })).toThrow('HUB_ADMIN_TOKEN');
  });

  it('allows private URLs through HUB_ALLOW_PRIVATE_URLS or its former name', () => {
    expect(loadConfig({}).allowPrivateUrls).toBe(false);
    expect(loadConfig({ HUB_ALLOW_PRIVATE_URLS: 'true' }).allowPrivateUrls).toBe(true);
    expect(loadConfig({ HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' }).allowPrivateUrls).toBe(true);
    expect(
      loadConfig({ HUB_ALLOW_PRIVATE_URLS: 'false', HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' })
        .allowPrivateUrls,
    ).toBe(false);
    expect(() => loadConfig({ HUB_ALLOW_PRIVATE_URLS: 'yes' })).toThrow('true or false');
  });

  it('lets a connection take about 2,000 pushes a second by default', () => {
    expect(loadConfig({}).rateLimits.ingressPerConnectionPerSecond).toBe(2_000);
    expect(
      loadConfig({ HUB_RATE_LIMIT_INGRESS_PER_SECOND: '50' }).rateLimits.ingressPerConnectionPerSecond,
    ).toBe(50);
  });
});
