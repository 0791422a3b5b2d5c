import { configureUpstreamHttp } from '../http-client';

/**
 * Adapter specs talk to sandboxes on 127.0.0.1, as the hub does with HUB_ALLOW_PRIVATE_URLS=true;
 * the guard itself is specified in http-client.spec.ts, which switches it back on.
 */
configureUpstreamHttp({ allowPrivateAddresses: true });
