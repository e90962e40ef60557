import { canSeeRegion, type Principal, resourceNotFound } from '@sinergi/auth';
import { isUuid } from '@sinergi/common';
import type { Official, OfficialsRepository } from '../officials.repository';

/** An official as the admin API answers a write that generated a webhook secret: the secret once, beside it. */
export type OfficialWithSecret = Official & { webhookSecret?: string };

/**
 * The official, when the admin may see it. Out of scope is 404, as if the official did not exist, for reads and
 * writes alike: a 403 on a write would reveal that the id is a real official of another region.
 */
export async function visibleOfficial(officials: OfficialsRepository, id: string, admin: Principal): Promise<Official> {
  // PostgreSQL reads a uuid in either case, and so does this route.
  const key = id.toLowerCase();
  const official = isUuid(key) ? await officials.findById(key) : null;
  if (!official || !canSeeRegion(admin, official.regionScope)) throw resourceNotFound('official');
  return official;
}
