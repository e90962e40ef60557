import { initialState } from '../../../project-intake/construction-project.decider';
import { initialComplianceState } from '../../../verification/compliance/compliance.decider';
import { initialCaseState } from '../../case-decider/escalation-case.decider';
import { caseUrlFor, composeNotificationMessage, type NotificationRow, projectUrlFor, regionLabel } from './notification-message';
import { NotificationUndeliverableError } from './notification-undeliverable.error';

const SINJAI = [
  { code: '73', name: 'Sulawesi Selatan', level: 'province' },
  { code: '73.07', name: 'Kabupaten Sinjai', level: 'regency' },
  { code: '73.07.06', name: 'Bulupoddo', level: 'district' },
];

describe('regionLabel', () => {
  it('names a district with its regency, as officials say it', () => {
    expect(regionLabel('73.07.06', SINJAI)).toBe('Kecamatan Bulupoddo, Kabupaten Sinjai');
  });

  it('names a regency alone, leaving out the province', () => {
    expect(regionLabel('73.07', SINJAI)).toBe('Kabupaten Sinjai');
  });

  it('names a village by its own name before its district and regency', () => {
    expect(regionLabel('73.07.06.2001', [...SINJAI, { code: '73.07.06.2001', name: 'Duampanuae', level: 'village' }])).toBe(
      'Duampanuae, Kecamatan Bulupoddo, Kabupaten Sinjai',
    );
  });

  it('falls back to the code for a region it does not know', () => {
    expect(regionLabel('74.01.02', SINJAI)).toBe('74.01.02');
  });
});

describe('caseUrlFor', () => {
  it('points at the case page of the console whatever trailing slash the base URL has', () => {
    expect(caseUrlFor('https://sinergi.sinjaikab.go.id/', 'abc')).toBe('https://sinergi.sinjaikab.go.id/console/cases/abc');
    expect(caseUrlFor('https://sinergi.sinjaikab.go.id', 'abc')).toBe('https://sinergi.sinjaikab.go.id/console/cases/abc');
    expect(projectUrlFor('https://sinergi.sinjaikab.go.id/', 'p1')).toBe('https://sinergi.sinjaikab.go.id/console/projects/p1');
  });
});

describe('composeNotificationMessage', () => {
  const row: NotificationRow = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'CASE_ESCALATED',
    channel: 'EMAIL',
    projectId: 'p',
    caseId: 'c',
    level: 0,
    regionCode: '73.07.06',
    agencyCode: 'a',
    recipientKind: 'CONTRACTOR',
    recipientId: '0012345674901000',
    position: 'CONTRACTOR',
    causeEventId: '00000000-0000-4000-8000-000000000002',
    status: 'PENDING',
    attempts: 0,
  };

  it('refuses, as undeliverable, a notification whose project is not on record', () => {
    const compose = () =>
      composeNotificationMessage(row, {
        project: initialState(),
        compliance: initialComplianceState(),
        escalationCase: initialCaseState(),
        caseEvents: [],
        regionName: 'Kabupaten Sinjai',
        publicBaseUrl: 'https://sinergi.example',
      });
    expect(compose).toThrow(NotificationUndeliverableError);
    expect(compose).toThrow(expect.objectContaining({ code: 'message_unavailable' }));
  });
});
