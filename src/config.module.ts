import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/env.config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Hands the typed, validated configuration to every module; nothing below reads process.env. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
