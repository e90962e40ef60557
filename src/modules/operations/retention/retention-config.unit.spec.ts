import { ConfigError, loadConfig } from '@sinergi/common';

describe('retention periods (configuration)', () => {
  const base = { SINERGI_MODE: 'test', SECRETS_KEY: '7e1c0d5b9a3f48e2b6c4d2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070605' };

  it('defaults to a year for verification requests and notifications, ten years for the access log, 90 days for dead letters', () => {
    expect(loadConfig(base).retention).toEqual({ verificationRequestsDays: 365, notificationsDays: 365, auditAccessLogDays: 3650, deadLettersDays: 90 });
  });

  it('takes each from the environment, 0 keeping for ever', () => {
    const config = loadConfig({
      ...base,
      RETENTION_VERIFICATION_REQUESTS_DAYS: '30',
      RETENTION_NOTIFICATIONS_DAYS: '0',
      RETENTION_AUDIT_ACCESS_LOG_DAYS: '1825',
      RETENTION_DEAD_LETTERS_DAYS: '7',
    });
    expect(config.retention).toEqual({ verificationRequestsDays: 30, notificationsDays: 0, auditAccessLogDays: 1825, deadLettersDays: 7 });
    expect(loadConfig({ ...base, RETENTION_AUDIT_ACCESS_LOG_DAYS: '0' }).retention.auditAccessLogDays).toBe(0);
  });

  it('refuses a malformed period, and an access log kept less than a year', () => {
    expect(() => loadConfig({ ...base, RETENTION_NOTIFICATIONS_DAYS: 'a year' })).toThrow(new ConfigError('RETENTION_NOTIFICATIONS_DAYS must be a whole number from 0 to 36500'));
    expect(() => loadConfig({ ...base, RETENTION_AUDIT_ACCESS_LOG_DAYS: '364' })).toThrow(
      new ConfigError('RETENTION_AUDIT_ACCESS_LOG_DAYS must be 0 (keep for ever) or at least 365 days'),
    );
  });
});
