// Which card token a driver pays with: the documented test drivers of wallets.json, and
// tok_visa (approved) for everyone else, the demo driver included.
import wallets from './wallets.json';

export const DEFAULT_TOKEN = 'tok_visa';

const tokens: Readonly<Record<string, { token: string }>> = wallets.drivers;

export function tokenOf(driverId: string): string {
  return tokens[driverId]?.token ?? DEFAULT_TOKEN;
}
