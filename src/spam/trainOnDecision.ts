// PLACEHOLDER by the core engineer; the rules engineer replaces the body (keep the signature).
import type { Tx } from '../context';

export interface TrainableComment {
  id: string;
  siteId: string;
  name: string;
  email: string;
  website: string | null;
  body: string;
  trainedAs: string | null;
}

export async function trainOnDecision(_tx: Tx, _comment: TrainableComment, _newStatus: string): Promise<void> {}
