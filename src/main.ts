import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config/env.config';
import { createApp } from './bootstrap';
import { preflight, PreflightError } from './preflight';

async function main(): Promise<void> {
  const logger = new Logger('Hub');
  const config = loadConfig();
  if (config.masterKeyIsDerived) {
    logger.warn(
      'HUB_MASTER_KEY is not set: credentials are encrypted with a development key. Set it in production.',
    );
  }
  await preflight(config, (message) => logger.log(message));
  const app = await createApp(config);
  await app.listen(config.port);
  logger.log(
    `hub (${config.role}) listening on ${config.publicUrl} — API /v1, docs /docs, health /health/ready`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PreflightError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
