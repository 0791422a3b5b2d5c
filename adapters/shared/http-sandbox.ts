import type {
  MarketplaceSandbox,
  Platform,
  RecordedCall,
  SandboxFault,
  SandboxPushTarget,
} from '../contract';
import type { SandboxHttpServer } from './sandbox-server';

/** What every sandbox does the same way: its loopback server's address, life cycle, faults and call log. */
export abstract class HttpSandbox implements Partial<MarketplaceSandbox> {
  abstract readonly platform: Platform;
  protected abstract readonly http: SandboxHttpServer;

  get url(): string {
    return this.http.baseUrl;
  }

  start(port?: number): Promise<string> {
    return this.http.start(port);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  injectFault(fault: SandboxFault): void {
    this.http.injectFault(fault);
  }

  clearFaults(): void {
    this.http.clearFaults();
  }

  calls(): RecordedCall[] {
    return this.http.calls();
  }

  abstract setPushTarget(target: SandboxPushTarget | null): void;
}
