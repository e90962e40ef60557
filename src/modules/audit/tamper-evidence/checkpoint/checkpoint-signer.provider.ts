import type { FactoryProvider } from '@nestjs/common';
import { SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { CHECKPOINT_SIGNER, type CheckpointSigner, loadCheckpointSigner } from './checkpoint-key';

/** The signer of AUDIT_SIGNING_KEY, or null without one; a key that is set but unusable stops the boot. */
export const checkpointSignerProvider: FactoryProvider<CheckpointSigner | null> = {
  provide: CHECKPOINT_SIGNER,
  inject: [SINERGI_CONFIG],
  useFactory: (config: SinergiConfig) => loadCheckpointSigner(config.auditSigningKey),
};
