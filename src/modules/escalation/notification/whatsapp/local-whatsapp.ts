import { startWhatsappStandIn } from '@sinergi/local-services';
import { SEED_SINJAI_OFFICIALS } from '@sinergi/database/migrations/1764000000006-escalation-directory';
import type { OfficialsRepository } from '../../directory/officials.repository';

/**
 * `start:local -- --whatsapp`: a local stand-in of the Graph API instead of Meta, which plays WhatsApp's side too
 * (signed `sent`, `delivered`, `read` webhooks back to this API a few seconds after each message), so a demo case's
 * WhatsApp notices show as read on the case. Returns the WHATSAPP_* settings that point Sinergi at it.
 */
export async function startLocalWhatsapp(apiPort: number, say: (line: string) => void): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const standIn = await startWhatsappStandIn({
    autoStatuses: { callbackUrl: `http://127.0.0.1:${apiPort}/v1/webhooks/whatsapp` },
    onMessage: (m) => say(`WhatsApp #${m.count} accepted by the local stand-in: template ${m.template} (${m.messageId.slice(0, 18)}…); read in a few seconds`),
  });
  say(`WhatsApp Cloud API stand-in on ${standIn.url} (--whatsapp): messages are accepted and reported read back to the API`);
  return { env: standIn.env, stop: () => standIn.close() };
}

/** Gives the seeded placeholder officials fictional WhatsApp numbers (+62811000000N) and opts them in, once. */
export async function optInSeededOfficials(officials: OfficialsRepository, say: (line: string) => void): Promise<void> {
  let changed = 0;
  for (const [i, seeded] of SEED_SINJAI_OFFICIALS.entries()) {
    const official = await officials.findById(seeded.id);
    if (!official || official.whatsapp) continue;
    await officials.update(seeded.id, { whatsapp: `+62811000000${i + 1}`, whatsappOptIn: true });
    changed += 1;
  }
  if (changed) say(`opted ${changed} seeded placeholder officials in to WhatsApp with fictional numbers (they get e-mail only if they leave a notice unread)`);
}
