import { InaprocApiClient, InaprocApiError, parseRetryAfter } from './inaproc-api.client';
import { INAPROC_ENDPOINTS } from './inaproc.endpoints';

const KONTRAK = INAPROC_ENDPOINTS[0];
const TOKEN = 'secret-token-abcdef';

/** A client whose fetch answers from `answers`, in order, and records what it was asked. */
function clientAnswering(answers: (() => Response)[], waits: number[] = []) {
  const asked: { url: string; authorization: string | null }[] = [];
  const fetchMock = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    asked.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  });
  const client = new InaprocApiClient({ apiUrl: 'https://inaproc.example', token: TOKEN, klpd: 'D123' }, { attempts: 3, backoffMs: 100, sleep: async (ms) => void waits.push(ms) });
  return { client, asked, fetchMock };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

afterEach(() => jest.restoreAllMocks());

describe('the INAPROC API client', () => {
  it('asks for a page with the KLPD, year, limit (at most 1000) and cursor, and the bearer token', async () => {
    const { client, asked } = clientAnswering([json(200, { data: [{ kd_tender: 1 }], meta: { has_more: true, next_cursor: 'abc' } })]);
    expect(await client.page(KONTRAK, 2025, 'c1', 5000)).toEqual({ rows: [{ kd_tender: 1 }], hasMore: true, nextCursor: 'abc' });
    expect(asked).toEqual([
      { url: 'https://inaproc.example/api/v1/tender/tender-ekontrak-kontrak?kode_klpd=D123&tahun=2025&limit=1000&cursor=c1', authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it('waits as long as Retry-After says after a 429, backs off after a 5xx, and gives up after its tries', async () => {
    const waits: number[] = [];
    const { client } = clientAnswering([json(429, {}, { 'retry-after': '7' }), json(503, {}), json(200, { data: [], meta: { has_more: false, next_cursor: null } })], waits);
    expect(await client.page(KONTRAK, 2025, null, 500)).toEqual({ rows: [], hasMore: false, nextCursor: null });
    expect(waits[0]).toBe(7000);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(300);
    jest.restoreAllMocks();

    const { client: failing } = clientAnswering([json(500, {}), json(502, {}), json(504, {})]);
    await expect(failing.page(KONTRAK, 2025, null, 500)).rejects.toMatchObject({ code: 'inaproc_unavailable', status: 504 });
  });

  it('does not try again a refused token or request, and never puts the token in its errors', async () => {
    const { client } = clientAnswering([json(401, {})]);
    const error = await client.page(KONTRAK, 2025, null, 500).catch((e) => e);
    expect(error).toBeInstanceOf(InaprocApiError);
    expect(error).toMatchObject({ code: 'inaproc_unauthorized', status: 401 });
    expect(String(error.message)).not.toContain(TOKEN);
    jest.restoreAllMocks();
    const { client: refused, fetchMock } = clientAnswering([json(400, {})]);
    await expect(refused.page(KONTRAK, 2025, null, 500)).rejects.toMatchObject({ code: 'inaproc_refused', status: 400 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('refuses an answer that is not a page rather than take it as an empty one', async () => {
    for (const body of [{ data: [] }, { rows: [], meta: { has_more: false } }, { data: [], meta: { has_more: true, next_cursor: null } }]) {
      const { client } = clientAnswering([json(200, body)]);
      await expect(client.page(KONTRAK, 2025, null, 500)).rejects.toMatchObject({ code: 'inaproc_malformed_response' });
      jest.restoreAllMocks();
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sat, 31 May 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
