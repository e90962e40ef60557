import { ALL_REGIONS, type Principal, resourceNotFound } from '@sinergi/auth';
import { canSeeRegion } from '@sinergi/auth';
import { parseRegionCode } from '@sinergi/domain';
import { type Html, href, html } from '../../view/html';

/** The region an admin page is about: `?regionCode=`, else the admin's first region; outside the admin's regions 404. */
export function adminRegion(principal: Principal, raw: string): string {
  const regionCode = raw || principal.regions.find((r) => r !== ALL_REGIONS) || '73';
  if (parseRegionCode(regionCode) === null || !canSeeRegion(principal, regionCode)) throw resourceNotFound('region');
  return regionCode;
}

export type AdminTab = 'overview' | 'officials' | 'ladder' | 'clients';

/** The admin area's own menu: the overview and the directory, ladder and procurement-client pages of the region. */
export function adminTabs(current: AdminTab, regionCode: string): Html {
  const tab = (key: AdminTab, path: string, label: string) =>
    html`<li><a href="${href(path, { regionCode })}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav class="tabs" aria-label="Menu admin"><ul>
    ${tab('overview', '/console/admin', 'Ringkasan')}
    ${tab('officials', '/console/admin/officials', 'Direktori pejabat')}
    ${tab('ladder', '/console/admin/ladder', 'Tangga eskalasi')}
    ${tab('clients', '/console/admin/clients', 'Sistem pengadaan')}
  </ul></nav>`;
}

/** The admin's crumbs back to the overview. */
export const adminCrumbs = (regionCode: string, label: string) => [{ label: 'Admin', href: href('/console/admin', { regionCode }) }, { label }];
