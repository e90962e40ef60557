import { DomainError } from '@sinergi/common';
import { isWithinScope, NATIONAL_REGION_CODE, parseRegionCode } from '@sinergi/domain';

/** The roles of docs/api.md that a JWT may carry. Procurement clients authenticate by HMAC, not here. */
export const ROLES = ['official', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where an official sits on an escalation ladder (docs/api.md). */
export const POSITIONS = ['CONTRACTOR', 'PPK', 'KEPALA_DINAS', 'BPJS_BRANCH', 'INSPEKTORAT', 'SEKDA', 'WAKIL_BUPATI', 'BUPATI'] as const;
export type Position = (typeof POSITIONS)[number];

/** The region scope that stands for every region. */
export const ALL_REGIONS = '*';

/** A person authenticated by a verified JWT; built only by `JwtVerifier` (or a test). */
export interface Principal {
  kind: 'user';
  sub: string;
  name: string | null;
  roles: Role[];
  /** Region-code prefixes ('73', '73.07', …) or '*' for every region. */
  regions: string[];
  position: Position | null;
  agency: string | null;
  /** Fine-grained grants beyond the role, e.g. 'pii:read'. */
  permissions: string[];
}

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
export const isPosition = (value: unknown): value is Position => (POSITIONS as readonly unknown[]).includes(value);

/** Whether a scope entry is well formed: '*', 'ID' (the whole country, a ministry's scope) or a region code such as '73.07'. */
export const isRegionScope = (value: unknown): value is string =>
  typeof value === 'string' && (value === ALL_REGIONS || value === NATIONAL_REGION_CODE || parseRegionCode(value) !== null);

/** Whether the scope takes in the whole country: '*' or 'ID'. */
export const coversCountry = (regions: readonly string[]): boolean => regions.includes(ALL_REGIONS) || regions.includes(NATIONAL_REGION_CODE);

/**
 * Whether `regionCode` lies in the principal's scope, matching whole segments ('73.07' sees '73.07.05' but not
 * '73.070'). Admins are not exempt: every role needs a scope, and only the scopes '*' and 'ID' mean every region (and
 * only they see 'ID', the national figure, itself).
 * An invalid region code is never visible.
 */
export function canSeeRegion(principal: Pick<Principal, 'regions'>, regionCode: string): boolean {
  if (regionCode === NATIONAL_REGION_CODE) return coversCountry(principal.regions);
  if (coversCountry(principal.regions)) return parseRegionCode(regionCode) !== null;
  return isWithinScope(regionCode, principal.regions);
}

/** True when the principal holds at least one of `roles`. */
export function hasRole(principal: Pick<Principal, 'roles'>, ...roles: Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

/** True when the principal was granted `permission` (e.g. 'pii:read'). */
export function hasPermission(principal: Pick<Principal, 'permissions'>, permission: string): boolean {
  return principal.permissions.includes(permission);
}

/**
 * The refusal for a resource the principal may not see. Handlers answering a resource that does not exist
 * should throw this same error, so the two cases cannot be told apart (docs/api.md).
 */
export const resourceNotFound = (what: string) => new DomainError('not_found', 'not_found', `${what} not found`);

/** Reads out of scope answer 404 as if the resource did not exist: no existence leak (docs/api.md). */
export function assertCanRead(principal: Pick<Principal, 'regions'>, regionCode: string, what: string): void {
  if (!canSeeRegion(principal, regionCode)) throw resourceNotFound(what);
}

/**
 * Writes addressed by a region code (a ladder, a target, a new official's scope) out of scope answer 403
 * region_out_of_scope: region codes are public, so the refusal reveals nothing. A write on a resource named by its
 * id (case, project, evidence, official, dead letter) must not use this: out of scope it throws `resourceNotFound`,
 * the answer of an unknown id, or the 403 would tell that the resource exists.
 */
export function assertCanWrite(principal: Pick<Principal, 'regions'>, regionCode: string, what: string): void {
  if (!canSeeRegion(principal, regionCode)) {
    throw new DomainError('forbidden', 'region_out_of_scope', `${what} is outside the regions you may act on`);
  }
}
