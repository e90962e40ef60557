import type { Principal } from '@sinergi/auth';

/** The events log consumers parked, within the admin's regions, newest first. */
export class ListParkedEventsQuery {
  constructor(
    readonly principal: Principal,
    readonly limit: number,
    readonly consumer: string | null,
  ) {}
}

export interface ParkedEventView {
  consumer: string;
  globalPosition: string;
  eventId: string;
  streamId: string;
  type: string;
  regionCode: string | null;
  attempts: number;
  error: { type: string; code: string | null; message: string };
  parkedAt: string;
}
