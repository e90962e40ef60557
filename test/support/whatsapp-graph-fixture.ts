// The Graph API stand-in lives with the other local services (start:local runs it with --whatsapp); tests use it here.
export {
  type GraphFault,
  type GraphMessageRequest,
  type StatusName,
  startWhatsappStandIn as startWhatsappGraphFixture,
  type WhatsappStandIn as WhatsappGraphFixture,
} from '@sinergi/local-services';
