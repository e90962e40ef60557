
import { withinRegionsSql } from '@sinergi/auth';
import { projectStreamIdSql } from '../../project-intake/construction-project.events';

/**
 * `dead_letters d` with `region_code`, the region the project was registered in (its stream's first event, the
 * ProjectRegistered), kept to the rows within `regions`. The event log rather than a projection: a dead letter
 * must not vanish from its own region's view while a projection lags or rebuilds. Pushes parameters onto `params`.
 */
export function deadLettersInScopeSql(regions: readonly string[], params: unknown[]): { from: string; where: string } {
  // A held event that expired has no registration to read: its dead letter carries its sender's region.
  return {
    from: `dead_letters d
      LEFT JOIN LATERAL (
        SELECT COALESCE(e.data->>'regionCode', e.metadata->>'regionCode') AS region_code
          FROM events e
         WHERE e.stream_id = ${projectStreamIdSql('d.project_id')} AND e.stream_version = 1
      ) r ON TRUE
      CROSS JOIN LATERAL (SELECT COALESCE(r.region_code, d.region_code) AS region_code) p`,
    where: withinRegionsSql('p.region_code', regions, params),
  };
}
