// Types of electron-after-pack.mjs for the TypeScript tests.
export interface AfterPackContextLike {
  electronPlatformName: string;
  appOutDir: string;
  packager: { appInfo: { productFilename: string } };
}
export function resourcesDir(context: AfterPackContextLike): string;
export default function afterPack(context: unknown): Promise<void>;
