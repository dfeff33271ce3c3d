/** Export of the whole setup as YAML (palette and Settings share it). */
import type { ContractClient } from '../../../shared/contract/client';
import { downloadText } from './browser';

export async function exportConfig(client: ContractClient, now = new Date()): Promise<string> {
  const yaml = await client.config.export();
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const filename = `gatehouse-config-${stamp}.yaml`;
  downloadText(filename, yaml, 'application/yaml');
  return filename;
}
