import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import type { AppContext } from './context';
import { newApiKey } from './http/moderatorAuth';

/**
 * The signing key for one-click links, owner tokens and form timestamps. From SECRET_KEY when set
 * (required for several instances, which must share it); otherwise generated once and kept in DATA_DIR.
 */
export function loadSecretKey(config: Config): { key: Buffer; generated: boolean } {
  if (config.secretKey) return { key: crypto.createHash('sha256').update(config.secretKey).digest(), generated: false };
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return { key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'), generated: false };
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return { key, generated: true };
}

export const DEMO_SITE_ID = 'demo';

/**
 * First start in embedded mode: a `demo` site with one moderator, whose API key is returned once
 * (the caller prints it) and never stored in the clear.
 */
export async function ensureDemoSite(ctx: AppContext): Promise<{ apiKey: string } | null> {
  const existing = await ctx.prisma.site.findUnique({ where: { id: DEMO_SITE_ID } });
  if (existing) return null;
  const { key, hash } = newApiKey();
  const origin = new URL(ctx.publicUrl).origin;
  await ctx.prisma.$transaction(async (tx) => {
    await tx.site.create({
      data: { id: DEMO_SITE_ID, name: 'Parley demo', allowedOrigins: [origin], settings: { mode: 'pre' } },
    });
    const moderator = await tx.moderator.create({ data: { name: 'Demo moderator', email: 'moderator@demo.parley.invalid' } });
    // The first moderator of the demo site runs it: an admin.
    await tx.siteModerator.create({ data: { siteId: DEMO_SITE_ID, moderatorId: moderator.id, role: 'admin' } });
    await tx.apiKey.create({ data: { moderatorId: moderator.id, keyHash: hash } });
  });
  return { apiKey: key };
}
