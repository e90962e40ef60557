/** The `connector` queue: scheduled pulls of the procurement systems that cannot push (INAPROC). */
export const CONNECTOR_QUEUE = 'connector';

/** One job scheduler for the INAPROC pull, whatever the KLPD: a new INAPROC_KLPD replaces it rather than adds one. */
export const INAPROC_PULL_SCHEDULER_ID = 'inaproc-pull';
export const INAPROC_PULL_JOB = 'inaproc-pull';

/** Names the connector the job is for: a worker configured for another KLPD leaves it. */
export interface InaprocPullJob {
  connector: string;
}
