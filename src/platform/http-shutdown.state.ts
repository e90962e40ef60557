import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Set once shutdown begins, before the HTTP server closes: answers sent from then on carry
 * `Connection: close`, so keep-alive clients let go and the server can close as soon as the
 * requests in flight are done (rather than after the 72 s keep-alive timeout).
 */
@Injectable()
export class HttpShutdownState implements BeforeApplicationShutdown {
  closing = false;

  beforeApplicationShutdown(): void {
    this.closing = true;
  }
}
