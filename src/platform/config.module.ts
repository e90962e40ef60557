import { Global, Module } from '@nestjs/common';
import { CLOCK, loadConfig, SecretBox, SINERGI_CONFIG, type SinergiConfig, systemClock } from '@sinergi/common';

/**
 * Validated configuration, the clock and the secret box for every module. `forRoot(config)` lets
 * tests and `start:local` hand in a config they built; by default it is read from the environment.
 */
@Global()
@Module({})
export class SinergiConfigModule {
  static forRoot(config: SinergiConfig = loadConfig(), clock = systemClock) {
    return {
      module: SinergiConfigModule,
      providers: [
        { provide: SINERGI_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: SecretBox, useValue: new SecretBox(config.secretsKey) },
      ],
      exports: [SINERGI_CONFIG, CLOCK, SecretBox],
    };
  }
}
