import { ConfigError, loadConfig } from '@sinergi/common';
import type { RecordedOf } from '@sinergi/event-store';
import { initialState } from '../../../project-intake/construction-project.decider';
import type { ProjectRegisteredData } from '../../../project-intake/construction-project.events';
import { initialComplianceState } from '../../../verification/compliance/compliance.decider';
import { decideCase, type EscalationCaseEvent, foldCase } from '../../case-decider/escalation-case.decider';
import { DEFAULT_SINJAI_LADDER } from '../../ladder/escalation-ladder';
import type { MessageSources, NotificationRow } from '../delivery/notification-message';
import { NotificationUndeliverableError } from '../delivery/notification-undeliverable.error';
import { DeliveryPermanentError, DeliveryTemporaryError } from '../notification.types';
import { classifyWhatsappError } from './whatsapp.channel';
import { indonesianMobile, isE164 } from './whatsapp-phone';
import { advanceStatus, hubSignature, statusReportsOf, verifyHubSignature } from './whatsapp-status';
import { templateParameter, whatsappTemplateFor } from './whatsapp-template';

const SECRETS_KEY = '7e1c0d5b9a3f48e2b6c4d2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070605';
const WHATSAPP_ENV = {
  WHATSAPP_API_URL: 'https://graph.facebook.com',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_TOKEN: 'EAAG-system-user-token',
  WHATSAPP_APP_SECRET: 'app-secret-of-the-meta-app',
  WHATSAPP_VERIFY_TOKEN: 'verify-token-7307',
};
const config = (env: Record<string, string>) => loadConfig({ SINERGI_MODE: 'test', SECRETS_KEY, ...env });

describe('WhatsApp configuration', () => {
  it('is off when WHATSAPP_API_URL is unset, and refuses a stray setting without it', () => {
    expect(config({}).whatsapp).toBeNull();
    expect(() => config({ WHATSAPP_TOKEN: 'EAAG-system-user-token' })).toThrow(/WHATSAPP_API_URL is required with WHATSAPP_TOKEN/);
  });

  it('takes the Graph API base, v22.0 by default, the template name by default and a 24 h read fallback', () => {
    const whatsapp = config({ ...WHATSAPP_ENV, WHATSAPP_API_URL: 'https://graph.facebook.com/' }).whatsapp!;
    expect(whatsapp).toMatchObject({
      apiUrl: 'https://graph.facebook.com',
      apiVersion: 'v22.0',
      phoneNumberId: '106540352242922',
      templates: { caseEscalated: 'sinergi_kasus_eskalasi' },
      readFallbackHours: 24,
    });
    expect(config({ ...WHATSAPP_ENV, WHATSAPP_API_VERSION: 'v23.0', WHATSAPP_READ_FALLBACK_HOURS: '6', WHATSAPP_TEMPLATE_CASE_ESCALATED: 'kasus_v2' }).whatsapp).toMatchObject({
      apiVersion: 'v23.0',
      readFallbackHours: 6,
      templates: { caseEscalated: 'kasus_v2' },
    });
  });

  it('names what is wrong, and never echoes a secret', () => {
    for (const name of ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN']) {
      expect(() => config({ ...WHATSAPP_ENV, [name]: '' })).toThrow(`${name} is required with WHATSAPP_API_URL`);
    }
    expect(() => config({ ...WHATSAPP_ENV, WHATSAPP_API_URL: 'https://graph.facebook.com/v22.0' })).toThrow(/without a version/);
    expect(() => config({ ...WHATSAPP_ENV, WHATSAPP_API_VERSION: '22' })).toThrow(/WHATSAPP_API_VERSION/);
    expect(() => config({ ...WHATSAPP_ENV, WHATSAPP_PHONE_NUMBER_ID: '+6281234567890' })).toThrow(/phone number id/);
    expect(() => config({ ...WHATSAPP_ENV, WHATSAPP_TEMPLATE_CASE_ESCALATED: 'Kasus Eskalasi' })).toThrow(/WHATSAPP_TEMPLATE_CASE_ESCALATED/);
    expect(() => config({ ...WHATSAPP_ENV, WHATSAPP_READ_FALLBACK_HOURS: '0' })).toThrow(/WHATSAPP_READ_FALLBACK_HOURS/);
    try {
      config({ ...WHATSAPP_ENV, WHATSAPP_TOKEN: 'short t' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('short t');
    }
  });
});

describe('phone numbers', () => {
  it('accepts E.164 numbers only for the directory', () => {
    expect(isE164('+6281234567890')).toBe(true);
    for (const bad of ['081234567890', '+62 812 3456 7890', '+0812345678', '+62812', 6281234567890]) expect(isE164(bad)).toBe(false);
  });

  it('reads an Indonesian mobile number however it is written, and refuses landlines and foreign numbers', () => {
    for (const written of ['081234567890', '0812-3456-7890', '+62 812 3456 7890', '62812 3456 7890', '(0812) 3456 7890']) {
      expect(indonesianMobile(written)).toBe('+6281234567890');
    }
    for (const other of ['0482 21234', '+62482212345', '+6512345678', '0812', '812345678901', null, undefined, 'tidak ada']) {
      expect(indonesianMobile(other as string)).toBeNull();
    }
  });
});

describe('status webhook', () => {
  const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));

  it('checks X-Hub-Signature-256 on the raw bytes with the app secret', () => {
    const signature = hubSignature('app-secret', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyHubSignature('app-secret', body, signature)).toBe(true);
    expect(verifyHubSignature('app-secret', body, signature.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(verifyHubSignature('other-secret', body, signature)).toBe(false);
    expect(verifyHubSignature('app-secret', Buffer.concat([body, Buffer.from(' ')]), signature)).toBe(false);
    for (const bad of [undefined, '', 'sha1=abc', signature.slice(0, -2), `${signature}00`]) expect(verifyHubSignature('app-secret', body, bad)).toBe(false);
  });

  it('reads the statuses of a messages webhook, leaving out the recipient, incoming messages and statuses it does not track', () => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                statuses: [
                  { id: 'wamid.A', status: 'delivered', timestamp: '1750233600', recipient_id: '6281234567890' },
                  { id: 'wamid.A', status: 'failed', timestamp: '1750233660', recipient_id: '6281234567890', errors: [{ code: 131026, title: 'Message undeliverable' }] },
                  { id: 'wamid.B', status: 'played', timestamp: '1750233600' },
                  { id: 'wamid.C', status: 'read', timestamp: 'yesterday' },
                ],
              },
            },
            { field: 'messages', value: { messages: [{ from: '6281234567890', id: 'wamid.IN', type: 'text', text: { body: 'halo' } }] } },
            { field: 'account_update', value: { statuses: [{ id: 'wamid.D', status: 'read', timestamp: '1750233600' }] } },
          ],
        },
      ],
    };
    const reports = statusReportsOf(payload);
    expect(reports).toEqual([
      { messageId: 'wamid.A', status: 'DELIVERED', reportedAt: '2025-06-18T08:00:00.000Z', errorCode: null, phoneNumberId: '106540352242922' },
      { messageId: 'wamid.A', status: 'FAILED', reportedAt: '2025-06-18T08:01:00.000Z', errorCode: 131026, phoneNumberId: '106540352242922' },
    ]);
    expect(JSON.stringify(reports)).not.toContain('6281234567890');
    expect(statusReportsOf({ object: 'page', entry: payload.entry })).toEqual([]);
    expect(statusReportsOf('not json')).toEqual([]);
  });

  it('moves a status forward only, to the furthest report: SENT < FAILED < DELIVERED < READ, in any order', () => {
    expect(advanceStatus('SENT', 'DELIVERED')).toBe('DELIVERED');
    expect(advanceStatus('SENT', 'READ')).toBe('READ');
    expect(advanceStatus('READ', 'DELIVERED')).toBe('READ');
    expect(advanceStatus('DELIVERED', 'SENT')).toBe('DELIVERED');
    expect(advanceStatus('SENT', 'FAILED')).toBe('FAILED');
    expect(advanceStatus('FAILED', 'SENT')).toBe('FAILED');
    // A failure reported beside a delivery (another device of the recipient's) does not undo it, either way round.
    expect(advanceStatus('DELIVERED', 'FAILED')).toBe('DELIVERED');
    expect(advanceStatus('FAILED', 'DELIVERED')).toBe('DELIVERED');
    expect(advanceStatus('FAILED', 'READ')).toBe('READ');
    expect(advanceStatus('READ', 'FAILED')).toBe('READ');
  });
});

describe('Cloud API errors', () => {
  const now = new Date('2025-06-18T08:00:00Z');

  it('does not retry a number that is not on WhatsApp or that opted out', () => {
    for (const [code, expected] of [
      [131021, 'whatsapp_not_on_whatsapp'],
      [131026, 'whatsapp_not_on_whatsapp'],
      [131050, 'whatsapp_opted_out'],
      [132001, 'whatsapp_rejected'],
      [190, 'whatsapp_rejected'],
    ] as const) {
      const error = classifyWhatsappError(400, code, undefined, now);
      expect(error).toBeInstanceOf(DeliveryPermanentError);
      expect(error).toMatchObject({ code: expected, retryable: false, details: { status: 400, responseCode: code } });
    }
  });

  it('retries 429, 130429 and 5xx, honouring Retry-After', () => {
    expect(classifyWhatsappError(429, undefined, '30', now)).toMatchObject({ code: 'whatsapp_rate_limited', retryable: true, details: { retryAfterMs: 30_000 } });
    expect(classifyWhatsappError(400, 130429, undefined, now)).toMatchObject({ code: 'whatsapp_rate_limited', retryable: true, details: { responseCode: 130429 } });
    expect(classifyWhatsappError(400, 131056, undefined, now)).toBeInstanceOf(DeliveryTemporaryError);
    expect(classifyWhatsappError(503, undefined, undefined, now)).toMatchObject({ code: 'http_server_error', retryable: true });
    expect(classifyWhatsappError(500, 131000, undefined, now).message).toBe('WhatsApp Cloud API answered 500 (code 131000)');
  });
});

describe('the WhatsApp template of a ladder level', () => {
  const caseId = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const registration = {
    projectId: 'p1',
    projectRef: '10080116001',
    name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
    agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR' },
    regionCode: '73.07.06',
    contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya Sinjai Mandiri', email: null, phone: '081234567890', whatsappOptIn: true },
    ppk: { ref: 'ppk-ref' },
    premium: { base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: '3252703' },
    registrationDeadline: '2025-05-12',
  } as unknown as ProjectRegisteredData;
  const opened = decideCase(
    { type: 'OpenCase', caseId, projectId: 'p1', regionCode: '73.07.06', agencyCode: 'a', reasons: ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL'], ladder: DEFAULT_SINJAI_LADDER, now: '2025-05-20T02:00:00.000Z' },
    foldCase([]),
  );
  const caseEvents = opened.map((e, i) => ({ ...e, eventId: `e${i}`, metadata: {} })) as unknown as RecordedOf<EscalationCaseEvent>[];
  const sources: MessageSources = {
    project: { ...initialState(), status: 'REGISTERED', registration, premium: registration.premium },
    compliance: initialComplianceState(),
    escalationCase: foldCase(opened),
    caseEvents,
    regionName: 'Kecamatan Bulupoddo, Kabupaten Sinjai',
    publicBaseUrl: 'https://sinergi.sinjaikab.example',
  };
  const row: NotificationRow = {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'CASE_ESCALATED',
    channel: 'WHATSAPP',
    projectId: 'p1',
    caseId,
    level: 0,
    regionCode: '73.07.06',
    agencyCode: 'a',
    recipientKind: 'CONTRACTOR',
    recipientId: '0012345674901000',
    position: 'CONTRACTOR',
    causeEventId: 'e1',
    status: 'PENDING',
    attempts: 0,
  };
  const message = { kind: 'CASE_ESCALATED', projectId: 'p1', subject: '', text: '', html: '', payload: { caseUrl: `https://sinergi.sinjaikab.example/console/cases/${caseId}` } } as const;

  it('fills the body parameters, in order, from the same facts as the e-mail, in Bahasa Indonesia', () => {
    const template = whatsappTemplateFor(row, sources, message, { caseEscalated: 'sinergi_kasus_eskalasi' });
    expect(template).toEqual({
      name: 'sinergi_kasus_eskalasi',
      languageCode: 'id',
      bodyParameters: [
        '0',
        'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
        'Kecamatan Bulupoddo, Kabupaten Sinjai',
        'CV Karya Sinjai Mandiri',
        'proyek belum didaftarkan ke BPJS Ketenagakerjaan; iuran yang dibayar kurang dari iuran terutang',
        'Rp 3.252.703',
        '12 Mei 2025',
        'Jika belum diselesaikan, kasus dinaikkan ke tingkat 1 (Kepala Dinas (PA/KPA), BPJS Ketenagakerjaan Kantor Cabang) pada 23 Mei 2025 pukul 10.00 WITA.',
        `https://sinergi.sinjaikab.example/console/cases/${caseId}`,
      ],
    });
    // The number is never part of the message.
    expect(JSON.stringify(template)).not.toContain('81234567890');
  });

  it('keeps every parameter on one line, as Meta requires, and has no template for other kinds', () => {
    expect(templateParameter('Jalan\nPoros\t\tSinjai     Timur ')).toBe('Jalan Poros Sinjai Timur');
    expect(templateParameter('')).toBe('-');
    expect(templateParameter('x'.repeat(2000))).toHaveLength(1024);
    expect(() => whatsappTemplateFor({ ...row, kind: 'PAYMENT_HOLD_RECOMMENDED' }, sources, message, { caseEscalated: 't' })).toThrow(NotificationUndeliverableError);
  });
});
