import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhatsappChannel } from '../../../src/modules/escalation/notification/whatsapp/whatsapp.channel';
import { statusReportsOf, verifyHubSignature } from '../../../src/modules/escalation/notification/whatsapp/whatsapp-status';
import { startWhatsappStandIn } from './whatsapp-stand-in';

describe('the WhatsApp Cloud API stand-in of start:local', () => {
  it('accepts a template message and plays sent, delivered and read back, signed with the app secret', async () => {
    const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const told: string[] = [];
    const standIn = await startWhatsappStandIn({
      autoStatuses: { callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/whatsapp`, delaysMs: [10, 20, 30] },
      onMessage: (m) => told.push(m.template),
    });
    try {
      const channel = new WhatsappChannel({ apiUrl: standIn.url, apiVersion: 'v22.0', phoneNumberId: standIn.phoneNumberId, token: standIn.token });
      const result = await channel.send('+6281100000001', { name: 'sinergi_kasus_eskalasi', languageCode: 'id', bodyParameters: ['1', 'Proyek'] }, new Date());
      expect(result.messageId).toMatch(/^wamid\./);
      expect(told).toEqual(['sinergi_kasus_eskalasi']);
      const deadline = Date.now() + 5000;
      while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const r of received) expect(verifyHubSignature(standIn.appSecret, r.body, r.headers['x-hub-signature-256'] as string)).toBe(true);
      expect(received.flatMap((r) => statusReportsOf(JSON.parse(r.body.toString('utf8')))).map((s) => [s.messageId, s.status])).toEqual([
        [result.messageId, 'SENT'],
        [result.messageId, 'DELIVERED'],
        [result.messageId, 'READ'],
      ]);
      // A wrong token is refused as the Graph API does.
      await expect(new WhatsappChannel({ apiUrl: standIn.url, apiVersion: 'v22.0', phoneNumberId: standIn.phoneNumberId, token: 'wrong-token' }).send('+6281100000001', { name: 't', languageCode: 'id', bodyParameters: [] }, new Date())).rejects.toMatchObject({ code: 'whatsapp_rejected', details: { status: 401, responseCode: 190 } });
    } finally {
      await standIn.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
