/**
 * What the connector reads from LKPP's INAPROC data API: `GET /api/v1/{group}/{endpoint}`, per KLPD and year. The
 * non-tender twins (pengadaan langsung, penunjukan langsung, …) live under the `non-tender` group, as the tender
 * ones live under `tender`. Contracts first: a start of work or hand-over of the same run then finds its project.
 */
export type InaprocKind = 'kontrak' | 'spmk' | 'bast';
export type InaprocMethod = 'tender' | 'non-tender';

export interface InaprocEndpoint {
  /** `tender/tender-ekontrak-kontrak`: the metric label, the cursor's key and the path after `/api/v1/`. */
  id: string;
  method: InaprocMethod;
  kind: InaprocKind;
}

const endpoint = (method: InaprocMethod, resource: 'kontrak' | 'spmkspp' | 'bapbast', kind: InaprocKind): InaprocEndpoint => ({
  id: `${method}/${method}-ekontrak-${resource}`,
  method,
  kind,
});

export const INAPROC_ENDPOINTS: readonly InaprocEndpoint[] = [
  endpoint('tender', 'kontrak', 'kontrak'),
  endpoint('non-tender', 'kontrak', 'kontrak'),
  endpoint('tender', 'spmkspp', 'spmk'),
  endpoint('non-tender', 'spmkspp', 'spmk'),
  endpoint('tender', 'bapbast', 'bast'),
  endpoint('non-tender', 'bapbast', 'bast'),
];

/** The connector's name: its procurement client's id, its cursors' and rejects' key, the metric's `connector` label. */
export const inaprocConnectorId = (klpd: string) => `inaproc-${klpd.toLowerCase()}`;

/** The source system of the connector's client: project ids are derived from it and the row's tender code. */
export const INAPROC_SOURCE_SYSTEM = 'inaproc';

/** The API's largest page (`limit` ≤ 1000). */
export const INAPROC_MAX_PAGE = 1000;
