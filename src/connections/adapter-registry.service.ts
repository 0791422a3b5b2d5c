import { Inject, Injectable } from '@nestjs/common';
import type { AdapterCapabilities, MarketplaceAdapter, Platform } from '../../adapters/contract';
import { createAdapters } from '../../adapters/registry';
import { configureUpstreamHttp } from '../../adapters/shared/http-client';
import type { AppConfig } from '../../config/env.config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG } from '../config.module';

/** The hub's only way to a marketplace: adapters chosen by platform id. */
@Injectable()
export class AdapterRegistry {
  private readonly adapters = new Map<Platform, MarketplaceAdapter>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Every upstream call goes through the adapters' one HTTP client; its address rules come from here.
    configureUpstreamHttp({
      allowPrivateAddresses: config.allowPrivateUrls,
      requireHttps: config.production,
    });
    for (const adapter of createAdapters()) this.adapters.set(adapter.capabilities.platform, adapter);
  }

  platforms(): Platform[] {
    return [...this.adapters.keys()];
  }

  has(platform: string): platform is Platform {
    return this.adapters.has(platform as Platform);
  }

  get(platform: string): MarketplaceAdapter {
    const adapter = this.adapters.get(platform as Platform);
    if (!adapter) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `no adapter for platform ${JSON.stringify(platform)}; known: ${this.platforms().join(', ')}`,
      );
    }
    return adapter;
  }

  capabilities(): AdapterCapabilities[] {
    return [...this.adapters.values()].map((adapter) => adapter.capabilities);
  }
}
